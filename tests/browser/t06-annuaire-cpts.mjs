// The CPTS module in a browser: a manager searches their territory
// (postal codes as removable chips, one removed, one added), opens a
// professional's sheet, sets a status and a private note (kept in the
// history), then copies the adherents' addresses from the dialog. axe-core
// on each page; the directory search and sheet at phone width.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	browserTest, makeUser, acceptAllCgu, checkA11y, checkNoHorizontalOverflow, check,
	expectPath, expectVisible, sql, sqlValue, stack, env,
} from './lib/parvis.mjs';
import { login } from './lib/flows.mjs';

// An RPPS number: ten digits and their Luhn key; the IDNPS is '8' + it.
function idnps(base) {
	let sum = 0;
	for (let i = 0; i < base.length; i++) {
		let d = Number(base[base.length - 1 - i]);
		if (i % 2 === 0) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return `8${base}${(10 - (sum % 10)) % 10}`;
}

// One line of PS_LibreAcces_Personne_activite (56 fields and the last '|').
function activityLine({ id, last, first, prof = '10', profLabel = 'Médecin', postal, insee, commune }) {
	const f = [id[0], id.slice(1), id, prof === '10' ? 'DR' : '', prof === '10' ? 'Docteur' : '',
		'M', 'Monsieur', last, first, prof, profLabel, 'C', 'Civil', '', '', '', '', 'L', 'Libéral',
		'', '', '', '', `B${id}`, `CABINET ${last}`, '', '', '', '3', '', 'R', 'Rue', 'DES ECOLES', '',
		`${postal} ${commune.toUpperCase()}`, postal, insee, commune, '', '', '0549000000', '', '', '',
		postal.slice(0, 2), '', '', 'ARS/ARS/ARS', 'SA07', 'Cabinet individuel', '', '', 'FON-01',
		'Titulaire', 'GENR01', 'Activité standard de soin ou de pharmacien'];
	return `${f.join('|')}|`;
}

await browserTest(async ({ newPage, step }) => {
	const niort = { postal: '79000', insee: '79191', commune: 'Niort' };
	const parthenay = { postal: '79200', insee: '79202', commune: 'Parthenay' };
	const pros = [
		{ id: idnps('7906000001'), last: 'BROCHARD', first: 'AGATHE', ...niort },
		{ id: idnps('7906000002'), last: 'BROSSARD', first: 'BASILE', prof: '60', profLabel: 'Infirmier', ...niort },
		{ id: idnps('7906000003'), last: 'BROUILLET', first: 'CAMILLE', ...parthenay },
	];
	const header = readFileSync('tests/fixtures/rpps/activite_new.txt', 'utf8').split('\n')[0];
	const file = join(env.state, 'PS_LibreAcces_Personne_activite_b06.txt');
	writeFileSync(file, `${header}\n${pros.map(activityLine).join('\n')}\n`);
	stack(['admin', 'import-rpps', '--partial', file]);
	sql(`INSERT INTO parvis.territory (name) VALUES ('CPTS B06 Gâtine')`);
	const territory = sqlValue(`SELECT MAX(id) FROM parvis.territory WHERE name = 'CPTS B06 Gâtine'`);
	sql(`INSERT INTO parvis.territory_postal_code (territory_id, postal_code) VALUES (${territory}, '79000'), (${territory}, '79200')`);
	sql(`INSERT INTO parvis.cpts (name, territory_id) VALUES ('CPTS B06 Gâtine', ${territory})`);
	const cpts = sqlValue(`SELECT id FROM parvis.cpts WHERE name = 'CPTS B06 Gâtine'`);
	sql(`INSERT INTO parvis.professional_card (idnps, email, completed) VALUES ('${pros[0].id}', 'agathe.brochard@exemple.fr', TRUE)`);
	const manager = makeUser('b06m', { roles: ['pro', `cpts_manager:cpts:${cpts}`], firstName: 'Maud', lastName: 'Gestionnaire' });
	acceptAllCgu(manager.id);

	step('log in and open the CPTS search: the territory as chips');
	const page = await newPage();
	await login(page, manager, { from: '/annuaire/recherche' });
	await expectPath(page, '/connexion/code');
	await page.getByRole('link', { name: 'Continuer sans code' }).click();
	await page.waitForLoadState('load');
	await page.goto('/annuaire/recherche');
	await expectPath(page, '/annuaire/recherche');
	await expectVisible(page.getByRole('heading', { name: /CPTS B06 Gâtine/, level: 1 }), 'the search heading');
	const remove79200 = page.getByRole('button', { name: 'Retirer le code postal 79200' });
	await expectVisible(remove79200, 'the chip of 79200 with its remove button');
	await checkA11y(page, 'CPTS search');

	step('remove the chip 79200 and search: Niort only');
	await remove79200.click();
	check(!(await page.locator('input[name=cp][value="79200"]').isChecked()), '79200 still checked');
	await page.getByRole('button', { name: 'Rechercher' }).click();
	await expectPath(page, /^\/annuaire\/recherche\?.*f=1/);
	check(!page.url().includes('cp=79200'), `79200 still sent: ${page.url()}`);
	await expectVisible(page.getByRole('link', { name: /AGATHE BROCHARD/ }), 'Agathe Brochard in the results');
	check(await page.getByRole('link', { name: /CAMILLE BROUILLET/ }).count() === 0, 'Parthenay in the results');

	step('add 79200 back by typing it: Parthenay comes back');
	const add = page.getByLabel(/Ajouter des codes postaux/);
	await add.fill('79200');
	await add.press('Enter');
	await expectVisible(page.getByRole('button', { name: 'Retirer le code postal 79200' }), 'the chip typed');
	await page.getByRole('button', { name: 'Rechercher' }).click();
	await page.waitForLoadState('load');
	await expectVisible(page.getByRole('link', { name: /CAMILLE BROUILLET/ }), 'Camille Brouillet in the results');

	step('the sheet: set adhérent and a private note');
	await page.getByRole('link', { name: /AGATHE BROCHARD/ }).click();
	await expectPath(page, `/annuaire/pro/${pros[0].id}`);
	await expectVisible(page.getByRole('heading', { name: 'Pour la CPTS B06 Gâtine' }), 'the CPTS block');
	await checkA11y(page, 'sheet with the CPTS block');
	await page.getByRole('radio', { name: 'adhérent', exact: true }).check();
	await page.getByLabel(/Note privée/).fill('Rencontrée à la réunion de janvier.');
	await page.getByRole('button', { name: 'Enregistrer' }).click();
	await expectPath(page, `/annuaire/pro/${pros[0].id}`);
	await expectVisible(page.getByText('Le statut et la note sont enregistrés.'), 'the saved message');
	await expectVisible(page.getByText('Statut : inconnu → adhérent'), 'the status history');
	await expectVisible(page.getByText('« Rencontrée à la réunion de janvier. »'), 'the note history');
	check(sqlValue(`SELECT status FROM parvis.cpts_professional WHERE cpts_id = ${cpts} AND idnps = '${pros[0].id}'`) === 'adherent',
		'status not saved');

	step('the adherents: copy their addresses from the dialog');
	await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
	await page.goto(`/annuaire/recherche?cpts=${cpts}&statut=adherent`);
	const summary = page.getByText(/Copier les adresses e-mail de ces résultats \(1\)/);
	await summary.click();
	await expectVisible(page.getByText('Ne mettez jamais de données de santé dans un e-mail ordinaire.'), 'the warning');
	const area = page.getByLabel(/Adresses \(1\)/);
	check((await area.inputValue()) === 'agathe.brochard@exemple.fr', 'wrong addresses');
	await page.getByRole('button', { name: 'Copier dans le presse-papiers' }).click();
	await expectVisible(page.getByText('Adresses copiées.'), 'the copied message');
	const clip = await page.evaluate(() => navigator.clipboard.readText());
	check(clip === 'agathe.brochard@exemple.fr', `clipboard holds "${clip}"`);
	await checkA11y(page, 'copy dialog open');

	step('the directory search and the sheet at phone width');
	const phone = await newPage({ phone: true });
	await login(phone, manager, { from: '/annuaire/' });
	await expectPath(phone, '/connexion/code');
	await phone.getByRole('link', { name: 'Continuer sans code' }).click();
	await phone.waitForLoadState('load');
	await phone.goto('/annuaire/');
	await expectPath(phone, '/annuaire/');
	await phone.getByLabel(/^Lieu/).fill('79000');
	await phone.getByRole('button', { name: 'Rechercher' }).click();
	await expectVisible(phone.getByRole('link', { name: /BASILE BROSSARD/ }), 'Basile Brossard at phone width');
	await checkNoHorizontalOverflow(phone, 'directory search');
	await checkA11y(phone, 'directory search, phone width');
	await phone.getByRole('link', { name: /BASILE BROSSARD/ }).click();
	await checkNoHorizontalOverflow(phone, 'sheet');
});
