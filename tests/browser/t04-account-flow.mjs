// The whole way in, as a new professional lives it: request an account →
// the service centre validates it → identifier and activation e-mails →
// choose a password → login → portal CGU → "Continuer sans code" → tiles
// with ICOPE greyed → step-up from the tile → ICOPE CGU → ICOPE.
// axe-core on the pages that are new here.
//
// A first version (written when these pages landed): to be extended with
// the failure paths (invalid form, refused request, dead link, ...).
import {
	browserTest, makeUser, checkA11y, check, expectPath, expectVisible, sqlValue,
	mailsTo, waitForNewMail, extractLink,
} from './lib/parvis.mjs';
import {
	login, loginStrong, acceptCgu, sendCodeByEmail, enterCode, tile, fillByLabel,
} from './lib/flows.mjs';

// Letters only, different at each run: the test can be run again on the
// same stack (eval "$(scripts/stack env)"; node tests/browser/t04-...).
const tag = Date.now().toString(26).replace(/[0-9]/g, (d) => 'qrstuvwxyz'[d]).slice(-6);
const person = {
	firstName: 'Camille',
	lastName: `Flux${tag}`,
	email: `camille.flux${tag}@test.parvis.localhost`,
	password: 'Ormeau-vert-2026!',
};

await browserTest(async ({ newPage, step }) => {
	const agent = makeUser(`b04s${tag}`, { roles: ['support'] });
	const page = await newPage();

	step('the login page links to the account request');
	await page.goto('/');
	await expectPath(page, '/connexion');
	await page.getByRole('link', { name: 'Demander un compte' }).click();
	await expectPath(page, '/compte/demande');
	await expectVisible(page.getByRole('heading', { name: 'Demander un compte', level: 1 }), 'the request heading');
	await checkA11y(page, 'account request form');

	step('request an account: confirmation page and e-mail');
	await fillByLabel(page, {
		Madame: true,
		Prénom: person.firstName,
		Nom: person.lastName,
		Profession: 'Infirmière',
		"Structure d'exercice": 'Cabinet infirmier des Tilleuls',
		'Adresse e-mail': person.email,
		'Téléphone mobile': '06 12 34 56 78',
	});
	let before = new Set(mailsTo(person.email));
	await page.getByRole('button', { name: 'Envoyer la demande' }).click();
	await expectPath(page, '/compte/demande/envoyee');
	await expectVisible(page.getByText('Votre demande de compte est bien enregistrée'), 'the confirmation');
	await checkA11y(page, 'account request sent');
	await waitForNewMail(person.email, before);
	const requestId = sqlValue(`SELECT id FROM parvis.account_request WHERE email = '${person.email}'`);
	check(/^\d+$/.test(requestId), 'the account request is not in the database');

	step('the service centre validates the request');
	const desk = await newPage();
	await loginStrong(desk, agent);
	await desk.goto('/support/');
	await expectVisible(desk.getByRole('heading', { name: 'Demandes de compte', level: 1 }), 'the request queue');
	await checkA11y(desk, 'support queue');
	await desk.getByRole('link', { name: `${person.firstName} ${person.lastName}` }).click();
	await expectPath(desk, `/support/demandes/${requestId}`);
	await checkA11y(desk, 'support request page');
	before = new Set(mailsTo(person.email));
	await desk.getByRole('button', { name: 'Valider la demande et créer le compte' }).click();
	await expectPath(desk, new RegExp(`^/support/demandes/${requestId}(\\?|$)`));

	step('two e-mails: the identifier, then the activation link');
	const idMail = await waitForNewMail(person.email, before, { subject: 'identifiant' });
	const loginName = (/identifiant est :\s+(\S+)/.exec(idMail.text) || [])[1];
	check(loginName, `no identifier in the mail:\n${idMail.text}`);
	const linkMail = await waitForNewMail(person.email, before, { subject: 'mot de passe' });
	const link = extractLink(linkMail, '/activation/');

	step('the activation link: choose a password');
	await page.goto(link);
	await expectVisible(page.getByRole('heading', { name: 'Choisir votre mot de passe' }), 'the password page');
	await expectVisible(page.getByText(loginName), 'the identifier on the password page');
	await checkA11y(page, 'activation page');
	await fillByLabel(page, { 'Mot de passe': person.password, 'Confirmez le mot de passe': person.password });
	await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
	await expectPath(page, '/connexion');

	step('login with the new password, portal CGU, "Continuer sans code"');
	const user = { login: loginName, email: person.email, password: person.password };
	await login(page, user);
	await acceptCgu(page, 'portal');
	await expectPath(page, '/connexion/code');
	await page.getByRole('link', { name: 'Continuer sans code' }).click();
	await expectPath(page, '/');

	step('tiles at level 1: ICOPE greyed');
	const icope = tile(page, 'icope');
	await expectVisible(icope.getByText('nécessite une authentification forte'), 'the greyed ICOPE tile');

	step('step-up from the tile, ICOPE CGU, ICOPE');
	await icope.getByRole('link', { name: /Recevoir un code/ }).click();
	await expectPath(page, '/connexion/code');
	await enterCode(page, await sendCodeByEmail(page, user));
	await acceptCgu(page, 'icope');
	await expectPath(page, '/icope/');
	await expectVisible(page.getByRole('heading', { name: /ICOPE/, level: 1 }), 'the ICOPE heading');
});
