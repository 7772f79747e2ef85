// Login to level 2: password, portal CGU, one-time code by e-mail, tiles
// with the ICOPE tile open. axe-core on each page on the way.
import {
	browserTest, makeUser, checkA11y, check, expectPath, expectVisible, sqlValue,
} from './lib/parvis.mjs';
import { login, acceptCgu, sendCodeByEmail, enterCode, tile, logout, loginStrong } from './lib/flows.mjs';

await browserTest(async ({ newPage, step }) => {
	const user = makeUser('b01a');
	const page = await newPage();

	step('an anonymous visitor opening / lands on the login page');
	await page.goto('/');
	await expectPath(page, '/connexion');
	await expectVisible(page.getByRole('heading', { name: 'Connexion' }), 'the login heading');
	await checkA11y(page, 'login page');

	step('password: the portal CGU come first');
	await login(page, user);
	await expectPath(page, /^\/cgu\/portal\?/);
	await expectVisible(page.getByLabel("J'ai lu et j'accepte"), 'the CGU checkbox');
	await checkA11y(page, 'portal CGU page');

	step('accept the CGU: on to the code page');
	await acceptCgu(page, 'portal');
	await expectPath(page, '/connexion/code');
	await checkA11y(page, 'code page');
	check(sqlValue(`SELECT level FROM parvis.session WHERE user_id = ${user.id}`) === '1',
		'the session is not at level 1 before the code');

	step('code by e-mail, read from the mail, typed: level 2');
	const code = await sendCodeByEmail(page, user);
	await checkA11y(page, 'code page, code sent');
	await enterCode(page, code);
	await expectPath(page, '/');
	check(sqlValue(`SELECT level FROM parvis.session WHERE user_id = ${user.id}`) === '2',
		'the session is not at level 2 after the code');

	step('tiles: "Mes applications", ICOPE open');
	await expectVisible(page.getByRole('heading', { name: 'Mes applications', level: 1 }), 'the tiles heading');
	await expectVisible(page.getByText('niveau 2'), 'the level 2 badge');
	const icope = tile(page, 'icope');
	await expectVisible(icope, 'the ICOPE tile');
	check(!(await icope.getAttribute('class')).split(/\s+/).includes('tile-locked'), 'the ICOPE tile is greyed at level 2');
	check(await icope.getByText('nécessite une authentification forte').count() === 0,
		'the ICOPE tile still says it needs strong authentication');
	await expectVisible(icope.getByRole('link', { name: 'ICOPE' }), 'the link of the ICOPE tile');
	check(await page.locator('.tile-locked').count() === 0, 'a tile is greyed at level 2');
	await checkA11y(page, 'tiles page, level 2');

	step('logout, then again: the CGU are not asked a second time');
	await logout(page);
	await login(page, user);
	await expectPath(page, '/connexion/code');
	await logout(page);
	await loginStrong(page, user);
	await expectPath(page, '/');
	await expectVisible(page.getByText('niveau 2'), 'the level 2 badge');
});
