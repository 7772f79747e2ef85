// User journeys shared by the browser tests, written as a person would do
// them: find fields by their label and buttons by their text. Each step
// checks where it lands, so a test reads as the story it tells.
//
//   await login(page, user);                       // /connexion → CGU or code page
//   await acceptCgu(page);                         // tick, continue
//   const code = await sendCodeByEmail(page, user);
//   await enterCode(page, code);                   // level 2

import { TIMEOUT_MS, expectMail, expectPath, expectVisible, extractCode, fail } from './parvis.mjs';

// login(page, user, { from }): open `from` (default '/') as an anonymous
// visitor, check it lands on /connexion, fill the form by label, submit.
// Leaves the page wherever the portal sends a new session (CGU, code page).
export async function login(page, user, { from = '/', password = user.password } = {}) {
	await page.goto(from);
	await expectPath(page, '/connexion');
	await page.getByLabel('Identifiant ou adresse e-mail').fill(user.login);
	await page.getByLabel('Mot de passe', { exact: true }).fill(password);
	await submit(page, page.getByRole('button', { name: 'Se connecter' }), '/connexion', 'the login form');
}

// submit(page, button, stay, what): click a form's button and wait for the
// page that comes back; fail, with the page's error message, if it is still
// on one of the paths in stay (the form was refused).
async function submit(page, button, stay, what) {
	const paths = [].concat(stay);
	const navigated = page.waitForEvent('framenavigated',
		{ predicate: (f) => f === page.mainFrame(), timeout: TIMEOUT_MS });
	await button.click();
	try {
		await navigated;
		await page.waitForLoadState('load');
	} catch {
		fail(`${what}: no page came back after the click (on ${page.url()})`);
	}
	if (paths.includes(new URL(page.url()).pathname)) {
		const alert = await page.locator('.alert-error').first().textContent({ timeout: 1000 }).catch(() => null);
		fail(`${what} did not go through (still on ${page.url()})${alert ? `: ${alert.trim()}` : ''}`);
	}
}

// acceptCgu(page, code): on /cgu/<code> (default: any), tick "J'ai lu et
// j'accepte" and continue.
export async function acceptCgu(page, code) {
	await expectPath(page, code ? new RegExp(`^/cgu/${code}(\\?|$)`) : /^\/cgu\//);
	const from = new URL(page.url()).pathname;
	await page.getByLabel("J'ai lu et j'accepte").check();
	await submit(page, page.getByRole('button', { name: 'Continuer' }), from, 'the CGU form');
}

// sendCodeByEmail(page, user): on the code page, choose e-mail, send, and
// return the code read from the mail that arrives. Leaves the page on the
// form where the code is typed.
export async function sendCodeByEmail(page, user) {
	await expectVisible(page.getByRole('heading', { name: 'Code de connexion' }), 'the code page');
	await page.getByLabel(/par e-mail/).check();
	const mail = await expectMail(user.email,
		() => page.getByRole('button', { name: 'Envoyer le code' }).click());
	await expectVisible(page.getByText('Le code a été envoyé par e-mail.'), 'the "code sent" message');
	return extractCode(mail);
}

// enterCode(page, code): type the code and validate; waits until the page
// leaves the code form.
export async function enterCode(page, code) {
	await page.getByLabel(/Code reçu/).fill(code);
	await submit(page, page.getByRole('button', { name: 'Valider le code' }),
		['/connexion/code', '/connexion/envoi'], 'the code form');
}

// tile(page, code): the tile of an application on the tiles page.
export function tile(page, code) {
	return page.locator(`#tuile-${code}`);
}

// loginStrong(page, user): the whole way to level 2 as a person does it:
// login, the portal CGU if they are asked, a code by e-mail. Ends on the
// page the portal sends to after the code (the tiles, or `from`).
export async function loginStrong(page, user, { from = '/' } = {}) {
	await login(page, user, { from });
	if (new URL(page.url()).pathname.startsWith('/cgu/'))
		await acceptCgu(page);
	await expectPath(page, '/connexion/code');
	const code = await sendCodeByEmail(page, user);
	await enterCode(page, code);
}

// logout(page): "Se déconnecter" in the header; lands on the login page
// with the goodbye message.
export async function logout(page) {
	await page.getByRole('navigation', { name: 'Mon compte' }).getByRole('button', { name: 'Se déconnecter' }).click();
	await expectPath(page, '/connexion');
	await expectVisible(page.getByText('Vous êtes déconnecté'), 'the logout message');
}

// fillByLabel(page, fields): fill each field found by its label, e.g.
//   await fillByLabel(page, { 'Nom': 'Martin', 'Adresse e-mail': 'a@b.fr', 'Madame': true });
// A label matches when it starts with the given text (labels often end with
// a hint: "Adresse e-mail <span class=hint>…</span>"); for anything else,
// fillField(page.getByLabel(...), value). Strings fill text inputs and
// choose in a <select>; true/false tick or untick a checkbox or radio.
export async function fillByLabel(page, fields) {
	for (const [label, value] of Object.entries(fields))
		await fillField(page.getByLabel(new RegExp(`^\\s*${escapeRegExp(label)}`)), value, label);
}

// fillField(locator, value, what): fill one field (see fillByLabel).
export async function fillField(locator, value, what = String(locator)) {
	await locator.first().waitFor({ state: 'attached', timeout: TIMEOUT_MS }).catch(() => {});
	const n = await locator.count();
	if (n !== 1)
		fail(`${n === 0 ? 'no' : n} field(s) labelled "${what}"`);
	if (typeof value === 'boolean')
		await locator.setChecked(value);
	else if (await locator.evaluate((el) => el.tagName === 'SELECT'))
		await locator.selectOption({ label: value });
	else
		await locator.fill(value);
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
