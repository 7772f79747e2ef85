// Phone width (390×844): the login, CGU, code and tiles pages fit the
// screen (no horizontal scrolling) and the tiles page passes axe-core.
import {
	browserTest, makeUser, checkA11y, checkNoHorizontalOverflow, check, expectPath, expectVisible,
} from './lib/parvis.mjs';
import { login, acceptCgu, tile } from './lib/flows.mjs';

await browserTest(async ({ newPage, step }) => {
	const user = makeUser('b03a');
	const page = await newPage({ phone: true });
	check(page.viewportSize().width === 390, 'not a phone-width viewport');

	step('login page at phone width');
	await page.goto('/connexion');
	await checkNoHorizontalOverflow(page, 'login page');

	step('portal CGU and code pages at phone width');
	await login(page, user);
	await expectPath(page, /^\/cgu\/portal\?/);
	await checkNoHorizontalOverflow(page, 'portal CGU page');
	await acceptCgu(page, 'portal');
	await expectPath(page, '/connexion/code');
	await checkNoHorizontalOverflow(page, 'code page');

	step('tiles page at phone width, level 1 (greyed ICOPE tile)');
	await page.getByRole('link', { name: 'Continuer sans code' }).click();
	await expectPath(page, '/');
	await expectVisible(page.getByRole('heading', { name: 'Mes applications', level: 1 }), 'the tiles heading');
	await expectVisible(tile(page, 'icope').getByText('nécessite une authentification forte'), 'the greyed ICOPE tile');
	await checkNoHorizontalOverflow(page, 'tiles page');
	await checkA11y(page, 'tiles page, phone width');
});
