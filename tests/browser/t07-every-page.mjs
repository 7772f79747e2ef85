// Every GET page of the portal, the directory and ICOPE, as the roles that
// can see it, at desktop width (1280 px) and at phone width (390 px): no
// horizontal overflow, axe-core WCAG 2.0/2.1 A and AA without any
// violation, a <label> on every form control, one h1, a French title.
// The page list comes from the route tables (fcgi/<program>/*.c): a GET
// route that is neither visited nor skipped with a reason fails the test,
// so a new page cannot be forgotten. With JavaScript disabled (phone
// width), the main forms still work (login, account request, directory
// search, CPTS search, patient search), and one invalid form per program
// answers 422 with the error beside its field (aria-describedby → a
// visible .field-error in the same .field). A dozen more forms (settings,
// administration, directory card, STEP 1/2, alert call) are sent wrong at
// phone width: 422, every visible .field-error tied to its field, and the
// page audited as above.
//
// Users are the demo accounts of `parvis-admin demo-data` (admin, support,
// dr.martin with 60 ICOPE patients, coord.cpts, alerte.icope), logged in by
// a session made in the database at level 2 (the login itself is tested in
// t01/t02 and here without JavaScript). Every finding is collected and the
// test fails at the end with the whole list.
//
// timeout: 300
// (tests/browser/run: some 80 s alone on two cores, more on a busy machine)
import {
	browserTest, makeUser, acceptAllCgu, check, contextOptions, sql, sqlValue, stack,
	TIMEOUT_MS, waitForMailTo, extractLink,
} from './lib/parvis.mjs';
import {
	getRoutes, sessionCookie, userToken, auditPage, fieldErrorProblems, structureProblems, overflowProblems,
} from './lib/audit.mjs';

// GET routes that are not pages, and why.
const SKIPPED = {
	'/healthz': 'health probe (text/plain, not a page)',
	'/annuaire/healthz': 'health probe (text/plain, not a page)',
	'/icope/healthz': 'health probe (text/plain, not a page)',
	'/annuaire/recherche/export.csv': 'CSV download, not a page (its content is tested in t0205)',
};

// Defects that need a change outside templates and CSS (C code), reported
// to the lead: printed, not failed on, while they last. When one is no
// longer seen, the test says so: remove it from this list.
const KNOWN = [];

await browserTest(async ({ browser, step }) => {
	step('data: demo accounts and data, tokens, ids');
	stack(['admin', 'demo-data']);
	const uid = (login) => Number(sqlValue(`SELECT id FROM parvis.app_user WHERE login = '${login}'`));
	const users = {
		admin: uid('admin'), support: uid('support'), pro: uid('dr.martin'),
		cpts: uid('coord.cpts'), alert: uid('alerte.icope'),
	};
	// parvis-admin may have granted the demo roles to other ids (t0306):
	// grant them here, as the integration tests do.
	sql(`INSERT IGNORE INTO parvis.user_role (user_id, role, scope_type, scope_id) VALUES
		(${users.admin}, 'admin', 'none', 0), (${users.support}, 'support', 'none', 0),
		(${users.cpts}, 'cpts_manager', 'cpts', 1), (${users.alert}, 'alert_manager', 'territory', 1)`);
	for (const id of Object.values(users))
		acceptAllCgu(id);
	// dr.martin's directory card needs an IDNPS found in the directory:
	// the demo links one, unless the directory was filled before it ran.
	if (sqlValue(`SELECT COUNT(*) FROM parvis.app_user u JOIN parvis.professional p ON p.idnps = u.idnps
		WHERE u.id = ${users.pro}`) === '0') {
		sql(`UPDATE parvis.app_user SET idnps = (SELECT MIN(p.idnps) FROM parvis.professional p
			WHERE NOT EXISTS (SELECT 1 FROM parvis.app_user o WHERE o.idnps = p.idnps)) WHERE id = ${users.pro}`);
	}
	// A user with no CGU accepted yet (the CGU page), one to log in with.
	// Letters only, different at each run: the test can run again on the same stack.
	const tag = Date.now().toString(26).replace(/[0-9]/g, (d) => 'qrstuvwxyz'[d]).slice(-6);
	const fresh = makeUser(`b07c${tag}`);
	const loginUser = makeUser(`b07l${tag}`);
	acceptAllCgu(loginUser.id);
	// A pending user for the activation link, one for the reset link.
	const pending = makeUser(`b07a${tag}`);
	const activation = userToken(pending.id, 'activation');
	const reset = userToken(makeUser(`b07r${tag}`).id, 'reset');

	const one = (q) => {
		const v = sqlValue(q);
		check(v !== '', `no value for: ${q}`);
		return v;
	};
	const patient = one(`SELECT p.id FROM parvis.patient p JOIN parvis.icope_alert a ON a.patient_id = p.id
		JOIN parvis.icope_step2 s ON s.alert_id = a.id JOIN parvis.care_circle c ON c.patient_id = p.id
		WHERE c.user_id = ${users.pro} AND p.territory_id = 1 ORDER BY p.id LIMIT 1`);
	const step1 = one(`SELECT MAX(id) FROM parvis.icope_step1 WHERE patient_id = ${patient}`);
	const step2 = one(`SELECT MAX(s.id) FROM parvis.icope_step2 s JOIN parvis.icope_alert a ON a.id = s.alert_id
		WHERE a.patient_id = ${patient}`);
	const alertId = one(`SELECT MAX(id) FROM parvis.icope_alert WHERE patient_id = ${patient}`);
	const openAlert = one(`SELECT MIN(a.id) FROM parvis.icope_alert a JOIN parvis.patient p ON p.id = a.patient_id
		WHERE a.status = 'open' AND p.territory_id = 1`);
	const idnps = one(`SELECT p.idnps FROM parvis.cpts_professional p WHERE p.cpts_id = 1 ORDER BY p.idnps LIMIT 1`);
	const appId = one('SELECT MIN(id) FROM parvis.application');
	const cguCode = one('SELECT MIN(code) FROM parvis.cgu_document');

	// The visits: route pattern → [{ url, as, status }]. `as` is a key of
	// users, 'anon', 'fresh' (no CGU accepted) or 'level1' (dr.martin at
	// level 1). The support request page is added once the account request
	// has been sent (below).
	// A visit; with `to`, a redirect: the landing path is checked, and the
	// landing page is audited where it is visited itself.
	const V = (url, as, status = 200, to = null) => ({ url, as, status, to });
	const R = (url, as, to) => V(url, as, 200, to);
	const P = `/icope/usagers/${patient}`;
	const visits = {
		'/a-propos': [V('/a-propos', 'anon')],
		'/connexion': [V('/connexion', 'anon')],
		'/connexion/code': [V('/connexion/code', 'level1')],
		'/': [V('/', 'pro'), V('/', 'admin'), V('/', 'support')],
		'/cgu/{code}': [V('/cgu/portal', 'fresh')],
		'/compte/demande': [V('/compte/demande', 'anon')],
		'/compte/demande/envoyee': [V('/compte/demande/envoyee', 'anon')],
		'/compte/demande/suivi/{token}': [],
		'/activation/{token}': [V(`/activation/${activation}`, 'anon'), V('/activation/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'anon', 410)],
		'/mot-de-passe/oubli': [V('/mot-de-passe/oubli', 'anon')],
		'/mot-de-passe/reinitialiser/{token}': [V(`/mot-de-passe/reinitialiser/${reset}`, 'anon')],
		'/compte': [V('/compte', 'pro')],
		'/compte/coordonnees': [V('/compte/coordonnees', 'pro')],
		'/compte/mot-de-passe': [V('/compte/mot-de-passe', 'pro')],
		'/compte/question-secrete': [V('/compte/question-secrete', 'pro')],
		'/compte/page-accueil': [V('/compte/page-accueil', 'pro')],
		'/compte/volets': [V('/compte/volets', 'pro')],
		'/compte/partenaires': [V('/compte/partenaires', 'pro'), V('/compte/partenaires?nom=martin', 'pro')],
		'/compte/sessions': [V('/compte/sessions', 'pro')],
		'/support': [R('/support', 'support', '/support/')],
		'/support/': [V('/support/', 'support')],
		'/support/demandes/{id}': [],
		'/support/utilisateurs': [V('/support/utilisateurs', 'support'), V('/support/utilisateurs?q=martin', 'support')],
		'/support/utilisateurs/{id}': [V(`/support/utilisateurs/${users.pro}`, 'support')],
		'/admin': [R('/admin', 'admin', '/admin/')],
		'/admin/': [V('/admin/', 'admin')],
		'/admin/utilisateurs': [V('/admin/utilisateurs', 'admin'), V('/admin/utilisateurs?q=martin', 'admin')],
		'/admin/utilisateurs/{id}': [V(`/admin/utilisateurs/${users.cpts}`, 'admin')],
		'/admin/applications': [V('/admin/applications', 'admin')],
		'/admin/applications/nouvelle': [V('/admin/applications/nouvelle', 'admin')],
		'/admin/applications/{id}': [V(`/admin/applications/${appId}`, 'admin')],
		'/admin/cgu': [V('/admin/cgu', 'admin')],
		'/admin/cgu/{code}': [V(`/admin/cgu/${cguCode}`, 'admin')],
		'/admin/journal': [V('/admin/journal', 'admin')],
		'/admin/cpts': [V('/admin/cpts', 'admin')],
		'/admin/cpts/nouvelle': [V('/admin/cpts/nouvelle', 'admin')],
		'/admin/cpts/{id}': [V('/admin/cpts/1', 'admin')],
		'/annuaire/': [V('/annuaire/', 'pro'), V('/annuaire/?lieu=31000&nom=ma', 'pro'), V('/annuaire/', 'cpts')],
		'/annuaire/recherche': [V('/annuaire/recherche', 'cpts'), V('/annuaire/recherche?f=1&cpts=1', 'cpts')],
		'/annuaire/arrivees': [V('/annuaire/arrivees', 'cpts'), V('/annuaire/arrivees?cpts=1&depuis=31%2F13%2F2026', 'cpts', 422)],
		'/annuaire/pro/{idnps}': [V(`/annuaire/pro/${idnps}`, 'pro'), V(`/annuaire/pro/${idnps}`, 'cpts')],
		'/annuaire/ma-fiche': [V('/annuaire/ma-fiche', 'pro'), V('/annuaire/ma-fiche', 'support')],
		'/icope/': [V('/icope/', 'pro'), V('/icope/', 'alert')],
		'/icope/usagers': [V('/icope/usagers', 'pro'), V('/icope/usagers?vue=complete', 'pro')],
		'/icope/usagers/nouveau': [V('/icope/usagers/nouveau', 'pro')],
		'/icope/usagers/{id}': [R(P, 'pro', `${P}/administratif`)],
		'/icope/usagers/{id}/administratif': [V(`${P}/administratif`, 'pro')],
		'/icope/usagers/{id}/administratif/modifier': [V(`${P}/administratif/modifier`, 'pro')],
		'/icope/usagers/{id}/suivi': [V(`${P}/suivi`, 'pro')],
		'/icope/usagers/{id}/historique': [V(`${P}/historique`, 'pro')],
		'/icope/usagers/{id}/evaluation': [V(`${P}/evaluation`, 'pro')],
		'/icope/usagers/{id}/step1': [V(`${P}/step1`, 'pro')],
		'/icope/usagers/{id}/step1/{sid}': [V(`${P}/step1/${step1}`, 'pro')],
		'/icope/usagers/{id}/step2/{sid}': [V(`${P}/step2/${step2}`, 'pro')],
		'/icope/usagers/{id}/entourage': [V(`${P}/entourage`, 'pro')],
		'/icope/usagers/{id}/alertes': [V(`${P}/alertes`, 'pro'), V(`${P}/alertes`, 'alert')],
		'/icope/alertes': [V('/icope/alertes', 'alert')],
		'/icope/alertes/{aid}': [V(`/icope/alertes/${alertId}`, 'alert')],
		'/icope/suivi': [V('/icope/suivi', 'pro'), V('/icope/suivi', 'alert')],
	};
	// Error pages are pages too (templates/error.html).
	const extra = [V('/page-inexistante', 'anon', 404), V('/admin/', 'pro', 403), V('/icope/usagers/999999999', 'pro', 403)];

	step('every GET route is visited or skipped with a reason');
	const routes = getRoutes();
	check(routes.length > 40, `only ${routes.length} GET routes found in fcgi/*/*.c`);
	const forgotten = routes.filter((r) => !(r.path in visits) && !(r.path in SKIPPED));
	check(forgotten.length === 0, `GET routes neither visited nor skipped (add them to t07): ${
		forgotten.map((r) => `${r.path} (${r.file})`).join(', ')}`);
	const stale = Object.keys(visits).filter((p) => !routes.some((r) => r.path === p));
	check(stale.length === 0, `t07 visits routes that no longer exist: ${stale.join(', ')}`);

	const problems = [];
	const note = (where, list) => {
		for (const p of list)
			problems.push(`${where}: ${p}`);
	};

	// A context of a role: cookies of a fresh session (none for anon).
	const sessions = {};
	const cookieFor = (as) => {
		if (as === 'anon')
			return null;
		if (as === 'fresh')
			return sessionCookie(fresh.id, 1);
		if (as === 'level1')
			return sessionCookie(users.pro, 1);
		return sessionCookie(users[as], 2);
	};
	// Contexts of our own (rather than newPage) to set JavaScript off and
	// a device scale of 1 (the CSS layout is the same at 2, the rendering
	// slower), watched as browserTest watches its pages: CSP violations,
	// script errors and 5xx answers are findings.
	const openAs = async (as, { phone = false, js = true } = {}) => {
		const context = await browser.newContext({
			...contextOptions({ phone }), ...(phone ? { deviceScaleFactor: 1 } : {}), javaScriptEnabled: js,
		});
		context.setDefaultTimeout(TIMEOUT_MS);
		context.setDefaultNavigationTimeout(TIMEOUT_MS);
		const page = await context.newPage();
		const where = () => `${page.url()} (${phone ? 'phone' : 'desktop'}${js ? '' : ', no JavaScript'})`;
		page.on('console', (m) => {
			if (m.type() === 'error' && /Content Security Policy/i.test(m.text()))
				problems.push(`CSP violation on ${where()}: ${m.text()}`);
		});
		page.on('pageerror', (e) => problems.push(`script error on ${where()}: ${e.message}`));
		page.on('response', (r) => {
			if (r.status() >= 500)
				problems.push(`${r.status()} for ${r.request().method()} ${r.url()}`);
		});
		sessions[as] ??= cookieFor(as);
		if (sessions[as])
			await page.context().addCookies([sessions[as]]);
		return page;
	};

	step('without JavaScript (phone width): the login form');
	{
		const page = await openAs('anon', { phone: true, js: false });
		await page.goto('/connexion');
		await page.getByLabel('Identifiant ou adresse e-mail').fill(loginUser.login);
		await page.getByLabel('Mot de passe', { exact: true }).fill(loginUser.password);
		await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Se connecter' }).click()]);
		const path = new URL(page.url()).pathname;
		if (path !== '/connexion/code')
			problems.push(`no-JS login: landed on ${page.url()}, expected /connexion/code`);
		await page.context().close();
	}

	// The invalid forms, one per program: fill(page) leaves the form
	// invalid; each is submitted without JavaScript (phone) and, for
	// axe-core (which needs script), with it at both widths.
	const invalidForms = [
		{
			what: 'invalid account request', as: 'anon', url: '/compte/demande', button: /Envoyer/,
			fields: ['civilite', 'nom', 'profession', 'structure', 'email', 'mobile'],
			fill: async (page) => {
				await page.getByLabel('Prénom').fill('Lucie');
				await page.getByLabel(/^Adresse e-mail/).fill('pas-une-adresse');
			},
		},
		{
			what: 'invalid directory search', as: 'pro', url: '/annuaire/', button: 'Rechercher', fields: ['lieu'],
			fill: (page) => page.getByLabel(/^Lieu/).fill('Zzyzx-sur-Rien'),
		},
		{
			what: 'invalid patient file', as: 'pro', url: '/icope/usagers/nouveau', button: 'Créer le dossier',
			fields: ['nom_naissance', 'prenoms', 'sexe', 'date_naissance', 'ins'],
			fill: (page) => page.getByLabel(/^INS/).fill('123'),
		},
	];
	// More forms sent empty or wrong (JavaScript on, phone width): each
	// must answer 422 with its errors tied to their fields.
	const emptyForms = [
		{ what: 'password change, empty', as: 'pro', url: '/compte/mot-de-passe', form: 'form[action="/compte/mot-de-passe"]' },
		{ what: 'secret question, empty', as: 'pro', url: '/compte/question-secrete', form: 'form[action="/compte/question-secrete"]' },
		{ what: 'new e-mail, wrong', as: 'pro', url: '/compte/coordonnees', form: 'form[action="/compte/coordonnees/email"]',
			fill: (page) => page.locator('form[action="/compte/coordonnees/email"] input[type=email]').fill('pas-une-adresse') },
		{ what: 'forgotten password, empty', as: 'anon', url: '/mot-de-passe/oubli', form: 'form[action="/mot-de-passe/oubli"]' },
		{ what: 'new CPTS, empty', as: 'admin', url: '/admin/cpts/nouvelle', form: 'main form[method=post]' },
		{ what: 'new application, empty', as: 'admin', url: '/admin/applications/nouvelle', form: 'main form[method=post]' },
		{ what: 'my directory card, wrong e-mail', as: 'pro', url: '/annuaire/ma-fiche', form: 'form[action="/annuaire/ma-fiche"]',
			fill: (page) => page.locator('form[action="/annuaire/ma-fiche"] input[type=email]').first().fill('pas-une-adresse') },
		{ what: 'my directory card, a box that does not exist', as: 'pro', url: '/annuaire/ma-fiche', form: 'form[action="/annuaire/ma-fiche"]',
			fill: (page) => page.locator('form[action="/annuaire/ma-fiche"] input[type=checkbox]').first()
				.evaluate((el) => { el.value = 'inexistant'; el.checked = true; }) },
		{ what: 'STEP 1, no date', as: 'pro', url: `${P}/step1`, form: `form[action="${P}/step1"]`,
			fill: (page) => page.locator('input[name=date]').fill('') },
		{ what: 'STEP 2, empty', as: 'pro', url: `${P}/step2/${step2}`, form: `form[action="${P}/step2/${step2}"]` },
		{ what: 'patient file change, INS cleared', as: 'pro', url: `${P}/administratif/modifier`, form: 'main form[method=post]',
			fill: (page) => page.locator('input[name=ins]').fill('') },
		{ what: 'alert call, empty', as: 'alert', url: `/icope/alertes/${openAlert}`, form: `form[action="/icope/alertes/${openAlert}/appel"]` },
	];
	const submitEmpty = async (form, phone) => {
		const page = await openAs(form.as, { phone });
		const where = `${form.what}, ${form.url} (${phone ? 'phone' : 'desktop'})`;
		try {
			await page.goto(form.url);
			if (form.fill)
				await form.fill(page);
			const f = page.locator(form.form).first();
			// The server's answer is under test, not the browser's own
			// checks of `required` fields.
			await f.evaluate((el) => { el.noValidate = true; });
			const [resp] = await Promise.all([page.waitForNavigation(),
				f.locator('button[type=submit], input[type=submit]').first().click()]);
			if (resp.status() !== 422)
				problems.push(`${where}: status ${resp.status()}, expected 422 (at ${page.url()})`);
			else if ((await page.locator('.field-error').count()) === 0)
				problems.push(`${where}: 422 without any .field-error beside a field`);
			note(where, await auditPage(page));
		} catch (e) {
			problems.push(`${where}: ${e.message.split('\n')[0]}`);
		}
		await page.context().close();
	};

	const submitInvalid = async (form, { phone, js }) => {
		const page = await openAs(form.as, { phone, js });
		const where = `${form.what} (${phone ? 'phone' : 'desktop'}${js ? '' : ', no JavaScript'})`;
		await page.goto(form.url);
		await form.fill(page);
		const [resp] = await Promise.all([page.waitForNavigation(),
			page.getByRole('button', { name: form.button }).click()]);
		if (resp.status() !== 422)
			problems.push(`${where}: status ${resp.status()}, expected 422`);
		for (const f of form.fields)
			note(where, await fieldErrorProblems(page, f));
		note(where, js ? await auditPage(page) : [...await structureProblems(page), ...await overflowProblems(page)]);
		return page;
	};

	step('without JavaScript: invalid forms (422, errors beside the fields), then a valid account request');
	{
		const page = await submitInvalid(invalidForms[0], { phone: true, js: false });
		await page.getByLabel('Madame').check();
		await page.getByLabel('Nom', { exact: true }).fill('Sept');
		await page.getByLabel(/^Profession/).fill('Infirmière');
		await page.getByLabel(/^Structure/).fill('Cabinet infirmier de la Gare');
		await page.getByLabel(/^Adresse e-mail/).fill(`lucie.${tag}@test.parvis.localhost`);
		await page.getByLabel(/^Téléphone mobile/).fill('0612345678');
		await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /Envoyer/ }).click()]);
		if (new URL(page.url()).pathname !== '/compte/demande/envoyee')
			problems.push(`no-JS account request: landed on ${page.url()}`);
		await page.context().close();
		const rid = sqlValue(`SELECT MAX(id) FROM parvis.account_request WHERE email = 'lucie.${tag}@test.parvis.localhost'`);
		if (rid)
			visits['/support/demandes/{id}'].push(V(`/support/demandes/${rid}`, 'support'));
		else
			problems.push('no-JS account request: no row in account_request');
		// The acknowledgement's private link to where the request stands.
		if (routes.some((r) => r.path === '/compte/demande/suivi/{token}')) {
			const mail = await waitForMailTo(`lucie.${tag}@test.parvis.localhost`, 1);
			const link = new URL(extractLink(mail, '/compte/demande/suivi/'));
			visits['/compte/demande/suivi/{token}'].push(V(link.pathname, 'anon'));
		}
	}
	await Promise.all([
		...invalidForms.slice(1).map(async (form) => (await submitInvalid(form, { phone: true, js: false })).context().close()),
		...invalidForms.flatMap((form) => [false, true].map(async (phone) =>
			(await submitInvalid(form, { phone, js: true })).context().close())),
	]);

	step('more forms sent empty or wrong, phone width');
	await Promise.all(emptyForms.map((form) => submitEmpty(form, true)));

	step('without JavaScript: directory search, CPTS search, patient search');
	await Promise.all([
		(async () => {
			const page = await openAs('pro', { phone: true, js: false });
			await page.goto('/annuaire/');
			await page.getByLabel(/^Nom/).fill('ma');
			await page.getByLabel(/^Lieu/).fill('31000');
			await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Rechercher' }).click()]);
			const u = new URL(page.url());
			if (u.pathname !== '/annuaire/' || u.searchParams.get('nom') !== 'ma')
				problems.push(`no-JS directory search: landed on ${page.url()}`);
			await page.context().close();
		})(),
		(async () => {
			const page = await openAs('cpts', { phone: true, js: false });
			await page.goto('/annuaire/recherche');
			await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Rechercher' }).click()]);
			if (!/[?&]f=1/.test(page.url()))
				problems.push(`no-JS CPTS search: landed on ${page.url()}`);
			note('CPTS search results (phone, no JS)', [...await structureProblems(page), ...await overflowProblems(page)]);
			await page.context().close();
		})(),
		(async () => {
			const page = await openAs('pro', { phone: true, js: false });
			await page.goto('/icope/usagers');
			await page.getByLabel(/^Rechercher/).fill('a');
			await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Rechercher' }).click()]);
			if (new URL(page.url()).searchParams.get('q') !== 'a')
				problems.push(`no-JS patient search: landed on ${page.url()}`);
			await page.context().close();
		})(),
	]);

	step('every page, desktop and phone, by role');
	const byRole = {};
	for (const list of Object.values(visits))
		for (const v of list)
			(byRole[v.as] ??= []).push(v);
	for (const v of extra)
		(byRole[v.as] ??= []).push(v);
	const visited = [];
	await Promise.all(Object.entries(byRole).flatMap(([as, list]) => [false, true].map(async (phone) => {
		const page = await openAs(as, { phone });
		const label = phone ? 'phone' : 'desktop';
		for (const v of list) {
			const where = `${v.url} as ${as}, ${label}`;
			let resp;
			try {
				resp = await page.goto(v.url);
			} catch (e) {
				problems.push(`${where}: ${e.message.split('\n')[0]}`);
				continue;
			}
			const status = resp ? resp.status() : 0;
			const t0 = Date.now();
			if (status !== v.status)
				problems.push(`${where}: status ${status}, expected ${v.status} (at ${page.url()})`);
			if (v.to) {
				if (new URL(page.url()).pathname !== v.to)
					problems.push(`${where}: landed on ${page.url()}, expected ${v.to}`);
			} else {
				note(where, await auditPage(page));
			}
			if (!phone) {
				const to = new URL(page.url());
				visited.push(`${v.url} as ${as}${to.pathname + to.search !== v.url ? ` → ${to.pathname}` : ''} (${status}, ${Date.now() - t0} ms): "${await page.title()}"`);
			}
		}
		await page.context().close();
	})));

	console.log(`# pages visited (each at 1280 and 390 px), ${visited.length}:`);
	for (const v of visited.sort())
		console.log(`#   ${v}`);
	console.log('# GET routes skipped:');
	for (const [p, why] of Object.entries(SKIPPED))
		console.log(`#   ${p}: ${why}`);
	console.log('# forms submitted without JavaScript: login, account request (invalid, then valid), directory search ' +
		'(valid, then invalid place), CPTS search, patient search, patient file (invalid)');
	const known = new Map(KNOWN.map((k) => [k, 0]));
	const left = problems.filter((p) => {
		const k = KNOWN.find((x) => x.re.test(p));
		if (k)
			known.set(k, known.get(k) + 1);
		return !k;
	});
	for (const [k, n] of known) {
		if (n > 0)
			console.log(`# known defect, reported (${n} page(s)): ${k.why}`);
		else
			console.log(`# known defect no longer seen (remove it from KNOWN in t07): ${k.why}`);
	}
	problems.splice(0, problems.length, ...left);
	check(problems.length === 0, `${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
});
