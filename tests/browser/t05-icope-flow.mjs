// The ICOPE journey, clicked through as the people who live it:
// a professional logs in at level 2 (e-mail code), accepts the portal and
// ICOPE CGU, creates a patient file (postal code 31000: territory 1 of
// sql/007_icope.sql), lands on the administrative panel, takes up the
// STEP 1 on a phone (390 px: no horizontal scrolling) with exactly two
// positive functions (mobility: chair rise 16 s; mood: feeling down), and
// sees the result with those two in alert. The alert manager of territory 1
// (another browser) finds the alert at the top of the queue, records the
// call as confirmed with a note and gives the STEP 2 to the professional,
// who scores both functions (SPPB, PHQ-9) and closes it; the manager then
// sees the alert closed. axe-core on each page; the database is checked at
// the end (alert, STEP 2, audit rows with the patient's id).
import {
	browserTest, makeUser, checkA11y, checkNoHorizontalOverflow, check, fail, expectPath,
	expectVisible, sql, sqlValue,
} from './lib/parvis.mjs';
import { loginStrong, acceptCgu, fillByLabel } from './lib/flows.mjs';

// Letters only, different at each run: the test can be run again on the
// same stack (eval "$(scripts/stack env)"; node tests/browser/t05-...).
const tag = Date.now().toString(26).replace(/[0-9]/g, (d) => 'qrstuvwxyz'[d]).slice(-6);

// A valid INS (NIR) for a woman born in March 1942 in Toulouse (31555):
// 13 digits, then the key 97 - (N mod 97) on two digits. The 3-digit
// order number varies so that a second run on the same stack does not
// meet the first file's INS.
const order = String(100 + (Date.now() % 900)).padStart(3, '0');
const nir = `2420331555${order}`;
const ins = nir + String(97n - (BigInt(nir) % 97n)).padStart(2, '0');

const person = {
	birthName: `Flux${tag}`,
	firstNames: 'Jeanne',
	birthDate: '1942-03-15',
	postalCode: '31000',
	city: 'Toulouse',
};
const fileName = `${person.birthName} ${person.firstNames}`;
const callNote = `Appel ${tag} : fatigue et tristesse confirmées, STEP 2 au domicile.`;
const step2Comment = `Orientée vers le médecin traitant (${tag}).`;

// The six functions of the STEP 1 (icope_function.label).
const FUNCTIONS = ['Cognition', 'Mobilité (locomotion)', 'Nutrition (vitalité)', 'Vision', 'Audition',
	'Humeur (psychologie)'];
const ALERTED = ['Mobilité (locomotion)', 'Humeur (psychologie)'];

// answer(page, question, choice): in the fieldset whose legend holds
// question, tick the radio labelled choice ("Oui", "Non", "Réussi", ...).
async function answer(page, question, choice) {
	const group = page.getByRole('group', { name: question });
	const n = await group.count();
	if (n !== 1)
		fail(`${n === 0 ? 'no' : n} question(s) "${question}" on the STEP 1 form`);
	await group.getByLabel(choice, { exact: true }).check();
}

// chooseOption(select, text): choose the option whose text contains text
// (the visible label, e.g. "SPPB (0 à 12 /12)").
async function chooseOption(select, text, what) {
	const option = select.locator('option', { hasText: text });
	if (await option.count() !== 1)
		fail(`${what}: no single option "${text}" (options: ${(await select.locator('option').allTextContents()).join(' | ')})`);
	await select.selectOption({ label: (await option.textContent()).trim() });
}

// rowOf(page, tableId, header): the body row of a table whose row header
// holds header.
function rowOf(page, tableId, header) {
	return page.locator(`#${tableId} tbody tr`).filter({
		has: page.locator('th[scope="row"]', { hasText: header }),
	});
}

await browserTest(async ({ newPage, step }) => {
	const pro = makeUser(`b05p${tag}`, { roles: ['pro'] });
	const manager = makeUser(`b05m${tag}`, { roles: ['alert_manager:territory:1'] });
	check(sqlValue(`SELECT CONCAT(scope_type, ':', scope_id) FROM parvis.user_role
		WHERE user_id = ${manager.id} AND role = 'alert_manager'`) === 'territory:1',
	'the alert manager is not scoped to territory 1');
	const proName = `${pro.firstName} ${pro.lastName}`;

	step('the professional: level 2 by e-mail code, portal and ICOPE CGU');
	const page = await newPage();
	await loginStrong(page, pro, { from: '/icope/' });
	await acceptCgu(page, 'icope');
	await expectPath(page, '/icope/');
	await expectVisible(page.getByRole('heading', { name: /ICOPE/, level: 1 }), 'the ICOPE heading');
	check(sqlValue(`SELECT COUNT(DISTINCT d.code) FROM parvis.cgu_acceptance a
		JOIN parvis.cgu_version v ON v.id = a.version_id JOIN parvis.cgu_document d ON d.id = v.document_id
		WHERE a.user_id = ${pro.id} AND d.code IN ('portal', 'icope')`) === '2',
	'the portal and ICOPE CGU acceptances are not both recorded');
	await checkA11y(page, 'ICOPE home, professional');

	step('the patient list, then the creation form');
	await page.getByRole('link', { name: 'Dossiers usagers', exact: true }).click();
	await expectPath(page, '/icope/usagers');
	await expectVisible(page.getByRole('heading', { name: 'Dossiers usagers', level: 1 }), 'the list heading');
	await checkA11y(page, 'patient list');
	await page.getByRole('link', { name: 'Créer un dossier', exact: true }).click();
	await expectPath(page, '/icope/usagers/nouveau');
	await expectVisible(page.getByRole('heading', { name: 'Nouveau dossier usager', level: 1 }), 'the creation form');
	await checkA11y(page, 'patient creation form');

	step('create the file: lands on the administrative panel');
	await fillByLabel(page, {
		'Nom de naissance': person.birthName,
		Prénoms: person.firstNames,
		Femme: true,
		'Date de naissance': person.birthDate,
		'Lieu de naissance': '31555',
		INS: ins,
		'Code postal': person.postalCode,
		Commune: person.city,
	});
	await page.getByRole('button', { name: 'Créer le dossier' }).click();
	await expectPath(page, /^\/icope\/usagers\/\d+\/administratif$/);
	const pid = Number(/\/icope\/usagers\/(\d+)\//.exec(page.url())[1]);
	await expectVisible(page.getByRole('heading', { name: fileName, level: 1 }), 'the file heading');
	await expectVisible(page.getByText('CPTS Toulouse – Blagnac').first(), 'the territory of 31000');
	check(sqlValue(`SELECT CONCAT_WS('|', ins, postal_code, territory_id, created_by) FROM parvis.patient
		WHERE id = ${pid}`) === `${ins}|31000|1|${pro.id}`, `patient row: ${sql(`SELECT * FROM parvis.patient WHERE id = ${pid}`)}`);
	await checkA11y(page, 'administrative panel');

	step('on the phone: the file, the evaluation panel, the STEP 1 form');
	// The same professional takes up the file on a phone: same session.
	const phone = await newPage({ phone: true });
	await phone.context().addCookies(await page.context().cookies());
	await phone.goto('/icope/usagers');
	await phone.getByRole('link', { name: fileName }).click();
	await expectPath(phone, `/icope/usagers/${pid}/administratif`);
	await phone.getByRole('navigation', { name: 'Volets du dossier' })
		.getByRole('link', { name: 'ICOPE – Évaluation' }).click();
	await expectPath(phone, `/icope/usagers/${pid}/evaluation`);
	await checkA11y(phone, 'evaluation panel, phone');
	await phone.getByRole('link', { name: 'Saisir un STEP 1' }).click();
	await expectPath(phone, `/icope/usagers/${pid}/step1`);
	await expectVisible(phone.getByRole('heading', { name: /STEP 1/, level: 2 }), 'the STEP 1 heading');
	check(phone.viewportSize().width === 390, 'the STEP 1 form is not at phone width');
	await checkNoHorizontalOverflow(phone, 'STEP 1 form, phone');
	await checkA11y(phone, 'STEP 1 form, phone');

	step('STEP 1: mobility and mood positive, the four others negative; validate');
	await answer(phone, 'Mode de passation', 'Hétéro-évaluation par un professionnel');
	// Cognition: oriented in time and place, 3 words of 3, memory not worse.
	await answer(phone, 'Orientation dans le temps', 'Oui');
	await answer(phone, "Orientation dans l'espace", 'Oui');
	await fillByLabel(phone, { 'Nombre de mots rappelés': '3' });
	await answer(phone, 'Les problèmes de mémoire se sont-ils aggravés', 'Non');
	// Mobility: 16 s for five chair rises (alert above 14 s).
	await fillByLabel(phone, { "Temps pour se lever 5 fois d'une chaise": '16' });
	// Nutrition, vision: no.
	await answer(phone, 'Perte de poids involontaire', 'Non');
	await answer(phone, "Perte d'appétit", 'Non');
	await answer(phone, 'Problèmes de vue', 'Non');
	// Hearing: the whispered voice test passed.
	await answer(phone, 'Test de la voix chuchotée', 'Réussi');
	// Mood: feeling down, yes; little interest, no.
	await answer(phone, "s'est senti(e) triste", 'Oui');
	await answer(phone, "peu d'intérêt ou de plaisir", 'Non');
	await phone.getByRole('button', { name: 'Valider le STEP 1' }).click();
	await expectPath(phone, new RegExp(`^/icope/usagers/${pid}/step1/\\d+$`));
	const s1 = Number(/\/step1\/(\d+)$/.exec(phone.url())[1]);

	step('the result page: the two functions in alert');
	await expectVisible(phone.getByText('2 fonction(s) en alerte.'), 'the "2 functions in alert" message');
	for (const f of FUNCTIONS) {
		const row = rowOf(phone, 'resultats', f);
		check(await row.count() === 1, `no single result row for ${f}`);
		const result = (await row.locator('td').first().innerText()).trim();
		const want = ALERTED.includes(f) ? 'Alerte' : 'Normal';
		check(result === want, `STEP 1 result for ${f}: "${result}", expected "${want}"`);
	}
	await checkNoHorizontalOverflow(phone, 'STEP 1 result, phone');
	await checkA11y(phone, 'STEP 1 result, phone');
	check(sqlValue(`SELECT CONCAT_WS('|', status, n_alert, n_not_assessed, completeness, mode) FROM parvis.icope_step1
		WHERE id = ${s1} AND patient_id = ${pid}`) === 'validated|2|0|100|hetero_pro',
	`STEP 1 row: ${sql(`SELECT * FROM parvis.icope_step1 WHERE id = ${s1}`)}`);

	step('the alert manager: level 2, ICOPE CGU, the alert at the top of the queue');
	const desk = await newPage();
	await loginStrong(desk, manager, { from: '/icope/' });
	await acceptCgu(desk, 'icope');
	await expectPath(desk, '/icope/');
	await checkA11y(desk, 'ICOPE home, alert manager');
	await desk.getByRole('link', { name: 'Alertes à traiter' }).click();
	await expectPath(desk, '/icope/alertes');
	await expectVisible(desk.getByRole('heading', { name: 'Alertes à traiter', level: 1 }), 'the alert queue');
	const first = desk.locator('#alertes tbody tr').first();
	await expectVisible(first, 'a row in the alert queue');
	check((await first.getByRole('link').first().innerText()).trim() === fileName,
		`the first alert of the queue is not ${fileName}: ${(await first.innerText()).replace(/\s+/g, ' ')}`);
	await expectVisible(first.getByText(ALERTED.join(', ')), 'the alerted functions in the queue');
	await expectVisible(first.getByText(`par ${proName}`), 'who screened, in the queue');
	await checkA11y(desk, 'alert queue');

	step('the alert: call recorded as confirmed, STEP 2 given to the professional');
	await first.getByRole('link', { name: fileName }).click();
	await expectPath(desk, /^\/icope\/alertes\/\d+$/);
	const aid = Number(/\/alertes\/(\d+)$/.exec(desk.url())[1]);
	await expectVisible(desk.locator('#etat-alerte').getByText('À traiter'), 'the alert "to handle"');
	await checkA11y(desk, 'alert page');
	await desk.getByLabel('Alerte confirmée : demander un STEP 2').check();
	await chooseOption(desk.getByLabel(/^Professionnel chargé du STEP 2/), proName, 'the STEP 2 professional');
	await fillByLabel(desk, { Note: callNote });
	await desk.getByRole('button', { name: "Enregistrer l'appel" }).click();
	await expectPath(desk, new RegExp(`^/icope/alertes/${aid}\\?appel=1$`));
	await expectVisible(desk.getByText("L'appel est enregistré."), 'the "call recorded" message');
	await expectVisible(desk.locator('#etat-alerte').getByText('Confirmée, STEP 2 demandé'), 'the alert confirmed');
	await expectVisible(desk.locator('#appels').getByText(callNote), 'the call note');
	check(await desk.getByRole('button', { name: "Enregistrer l'appel" }).count() === 0,
		'the call form is still offered on a confirmed alert');
	await checkA11y(desk, 'alert page, confirmed');
	const s2 = Number(sqlValue(`SELECT id FROM parvis.icope_step2 WHERE alert_id = ${aid}`));
	check(s2 > 0, 'no STEP 2 was requested');

	step('the professional: the STEP 2 on the ICOPE home, both functions scored, closed');
	await page.getByRole('navigation', { name: "Fil d'Ariane" }).getByRole('link', { name: 'ICOPE', exact: true }).click();
	await expectPath(page, '/icope/');
	const mine = page.locator('#mes-step2');
	await expectVisible(mine, 'the STEP 2 given to the professional');
	await mine.getByRole('link', { name: fileName }).click();
	await expectPath(page, `/icope/usagers/${pid}/step2/${s2}`);
	await expectVisible(page.getByRole('heading', { name: /STEP 2/, level: 2 }), 'the STEP 2 heading');
	check(await page.getByLabel('Date du STEP 2').inputValue() !== '', 'the STEP 2 date is not filled in');
	await checkA11y(page, 'STEP 2 form');
	const mobility = page.getByRole('group', { name: 'Mobilité (locomotion)' });
	await chooseOption(mobility.getByLabel('Instrument'), 'SPPB', 'the mobility instrument');
	await mobility.getByLabel('Score').fill('8');
	const mood = page.getByRole('group', { name: 'Humeur (psychologie)' });
	await chooseOption(mood.getByLabel('Instrument'), 'PHQ-9', 'the mood instrument');
	await mood.getByLabel('Score').fill('12');
	check(await page.getByRole('group', { name: 'Nutrition (vitalité)' }).count() === 0,
		'the STEP 2 asks for a function that was not in alert');
	await fillByLabel(page, { Commentaires: step2Comment });
	await page.getByRole('button', { name: 'Clôturer le STEP 2' }).click();
	await expectPath(page, new RegExp(`^/icope/usagers/${pid}/step2/${s2}\\?enregistre=1$`));
	await expectVisible(page.locator('#etat-step2').getByText("l'alerte est close"), 'the STEP 2 closed');
	for (const [f, text] of [['Mobilité (locomotion)', 'Mobilité limitée'],
		['Humeur (psychologie)', 'Symptômes dépressifs probables']])
		await expectVisible(rowOf(page, 'resultats-step2', f).getByText(text), `the interpretation for ${f}`);
	await checkA11y(page, 'STEP 2 closed');

	step('the alert manager: the alert is closed');
	await desk.reload();
	await expectVisible(desk.locator('#etat-alerte').getByText('Close (STEP 2 réalisé)'), 'the alert closed');
	await desk.getByRole('navigation', { name: 'Volets du dossier' })
		.getByRole('link', { name: 'ICOPE – Alertes et STEP 2' }).click();
	await expectPath(desk, `/icope/usagers/${pid}/alertes`);
	const alertRow = desk.locator('#alertes-usager tbody tr').first();
	await expectVisible(alertRow.getByText('Close (STEP 2 réalisé)'), 'the alert closed in the file');
	await expectVisible(alertRow.getByRole('link', { name: 'réalisé' }), 'the STEP 2 done, in the file');
	await checkA11y(desk, 'alerts panel, alert manager');
	await desk.getByRole('link', { name: 'ICOPE', exact: true }).first().click();
	await expectPath(desk, '/icope/');
	await desk.getByRole('link', { name: 'Alertes à traiter' }).click();
	await expectPath(desk, '/icope/alertes');
	check(await desk.locator(`a[href="/icope/alertes/${aid}"]`).count() === 0,
		'the closed alert is still in the queue');

	step('the database: alert closed, STEP 2 closed, the calls and reads audited');
	check(sqlValue(`SELECT CONCAT_WS('|', status, territory_id, patient_id, step1_id, n_calls, handled_by,
		confirmed_at IS NOT NULL, closed_at IS NOT NULL) FROM parvis.icope_alert WHERE id = ${aid}`) ===
		`closed|1|${pid}|${s1}|1|${manager.id}|1|1`,
	`alert row: ${sql(`SELECT * FROM parvis.icope_alert WHERE id = ${aid}`)}`);
	check(sqlValue(`SELECT GROUP_CONCAT(f.code ORDER BY f.position) FROM parvis.icope_alert_function af
		JOIN parvis.icope_function f ON f.id = af.function_id WHERE af.alert_id = ${aid}`) === 'mobility,mood',
	'the alert is not on mobility and mood');
	check(sqlValue(`SELECT CONCAT_WS('|', outcome, called_by, note) FROM parvis.icope_alert_call
		WHERE alert_id = ${aid}`) === `confirmed|${manager.id}|${callNote}`, 'the call row');
	check(sqlValue(`SELECT CONCAT_WS('|', status, patient_id, assigned_to, requested_by, closed_by,
		closed_at IS NOT NULL, comments) FROM parvis.icope_step2 WHERE id = ${s2}`) ===
		`closed|${pid}|${pro.id}|${manager.id}|${pro.id}|1|${step2Comment}`,
	`STEP 2 row: ${sql(`SELECT * FROM parvis.icope_step2 WHERE id = ${s2}`)}`);
	check(sqlValue(`SELECT GROUP_CONCAT(CONCAT(i.code, '=', r.score, '/', r.level) ORDER BY i.code)
		FROM parvis.icope_step2_result r JOIN parvis.icope_instrument i ON i.id = r.instrument_id
		WHERE r.step2_id = ${s2}`) === 'phq9=12/abnormal,sppb=8/abnormal', 'the STEP 2 scores');
	// Every read of the file and of its records names the patient.
	const audited = (user, action, objectId) => Number(sqlValue(`SELECT COUNT(*) FROM parvis.audit_log
		WHERE user_id = ${user.id} AND action = '${action}' AND patient_id = ${pid} AND outcome = 'ok'
		${objectId ? `AND object_id = '${objectId}'` : ''}`));
	for (const [user, action, objectId] of [
		[pro, 'patient.create', String(pid)],
		[pro, 'patient.read', String(pid)],
		[pro, 'step1.validate', String(s1)],
		[pro, 'step1.read', String(s1)],
		[manager, 'alert.read', String(aid)],
		[manager, 'alert.call', String(aid)],
		[manager, 'patient.read', String(pid)],
		[pro, 'step2.read', String(s2)],
		[pro, 'step2.close', String(s2)],
	])
		check(audited(user, action, objectId) >= 1, `no audit row ${action} by ${user.login} with patient_id ${pid}`);
	check(sqlValue(`SELECT COUNT(*) FROM parvis.audit_log WHERE user_id = ${manager.id} AND action = 'patient.list'
		AND object_type = 'alert' AND FIND_IN_SET('${pid}', detail)`) !== '0', 'the alert queue read is not audited');
	check(sqlValue(`SELECT COUNT(*) FROM parvis.audit_log WHERE patient_id = ${pid} AND outcome <> 'ok'`) === '0',
		'a refusal was audited on the file during the flow');
});
