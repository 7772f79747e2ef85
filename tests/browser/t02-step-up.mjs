// Level 1 ("Continuer sans code"): the ICOPE tile is greyed and says why;
// its "Recevoir un code" button leads through the code page straight to
// ICOPE, whose own CGU come first. axe-core on the level-1 pages.
import {
	browserTest, makeUser, checkA11y, check, expectPath, expectVisible, sqlValue,
} from './lib/parvis.mjs';
import { login, acceptCgu, sendCodeByEmail, enterCode, tile } from './lib/flows.mjs';

await browserTest(async ({ newPage, step }) => {
	const user = makeUser('b02a');
	const page = await newPage();

	step('password, portal CGU, then "Continuer sans code"');
	await login(page, user);
	await acceptCgu(page, 'portal');
	await expectPath(page, '/connexion/code');
	await page.getByRole('link', { name: 'Continuer sans code' }).click();
	await expectPath(page, '/');

	step('level 1: the ICOPE tile is greyed, with the reason');
	await expectVisible(page.getByRole('heading', { name: 'Mes applications', level: 1 }), 'the tiles heading');
	await expectVisible(page.getByText('niveau 1'), 'the level 1 badge');
	const icope = tile(page, 'icope');
	await expectVisible(icope, 'the ICOPE tile');
	check((await icope.getAttribute('class')).split(/\s+/).includes('tile-locked'), 'the ICOPE tile is not greyed at level 1');
	await expectVisible(icope.getByText('nécessite une authentification forte'), 'the reason on the ICOPE tile');
	check(await icope.getByRole('link', { name: 'ICOPE', exact: true }).count() === 0,
		'the greyed ICOPE tile still links to the application');
	await checkA11y(page, 'tiles page, level 1');

	step('"Recevoir un code" on the tile: the code page, for ICOPE');
	await icope.getByRole('link', { name: /Recevoir un code/ }).click();
	await expectPath(page, '/connexion/code');
	check(new URL(page.url()).searchParams.get('suite') === '/icope/', `the code page does not lead back to ICOPE: ${page.url()}`);
	await expectVisible(page.getByText("L'application demandée nécessite une authentification forte"), 'the step-up explanation');
	await checkA11y(page, 'code page, step-up');

	step('code by e-mail: level 2, then the ICOPE CGU');
	const code = await sendCodeByEmail(page, user);
	await enterCode(page, code);
	check(sqlValue(`SELECT level FROM parvis.session WHERE user_id = ${user.id}`) === '2',
		'the session is not at level 2 after the code');
	await expectPath(page, /^\/cgu\/icope\?/);
	await expectVisible(page.getByLabel("J'ai lu et j'accepte"), 'the ICOPE CGU checkbox');
	await checkA11y(page, 'ICOPE CGU page');

	step('accept the ICOPE CGU: the ICOPE page');
	await acceptCgu(page, 'icope');
	await expectPath(page, '/icope/');
	await expectVisible(page.getByRole('heading', { name: /ICOPE/, level: 1 }), 'the ICOPE heading');
	check(sqlValue(`SELECT COUNT(*) FROM parvis.cgu_acceptance a JOIN parvis.cgu_version v ON v.id = a.version_id
		JOIN parvis.cgu_document d ON d.id = v.document_id WHERE a.user_id = ${user.id} AND d.code = 'icope'`) === '1',
		'the ICOPE CGU acceptance is not recorded');
	await checkA11y(page, 'ICOPE page');
});
