// Helpers for the browser tests: the stack (users, SQL), the Maildir of the
// SMTP sink (codes, links), Chromium through playwright-core, axe-core, and
// a small test wrapper that takes screenshots when something fails.
//
// A test runs against a started stack whose settings are in the environment
// (tests/browser/run does that; by hand: eval "$(scripts/stack env)", then
// node tests/browser/t01-login.mjs). Typical test:
//
//   import { browserTest, makeUser, checkA11y } from './lib/parvis.mjs';
//   import { login } from './lib/flows.mjs';
//   await browserTest(async ({ newPage, step }) => {
//     const user = makeUser('b99a');
//     const page = await newPage();
//     step('login');
//     await login(page, user);
//     await checkA11y(page, 'CGU page');
//   });

import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

function need(name) {
	const v = process.env[name];
	if (!v) {
		console.error(`${name} is not set: run through tests/browser/run, or eval "$(scripts/stack env)" first`);
		process.exit(2);
	}
	return v;
}

export const env = {
	url: need('PARVIS_URL').replace(/\/+$/, ''),
	state: need('PARVIS_STATE'),
	mailDir: need('PARVIS_MAIL_DIR'),
	stack: need('PARVIS_STACK'),
};

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const BROWSER_DIR = join(HERE, '..');
export const SCREENSHOT_DIR = join(BROWSER_DIR, 'screenshots');
const AXE_PATH = join(BROWSER_DIR, 'node_modules', 'axe-core', 'axe.min.js');
export const CHROMIUM = process.env.PARVIS_CHROMIUM || '/usr/bin/chromium';

export const VIEWPORT_DESKTOP = { width: 1280, height: 800 };
export const VIEWPORT_PHONE = { width: 390, height: 844 };

// How long a single action or wait may take before the test fails.
export const TIMEOUT_MS = 15_000;

// The password of the users makeUser creates (as in tests/integration/lib.sh).
export const TEST_PASSWORD = 'Test-Parvis-2026!';

// The test's name: its file name without .mjs.
export const TEST_NAME = basename(process.argv[1] || 'test', '.mjs');

// ---------------------------------------------------------------- errors

export class TestFailure extends Error {}

// fail(message): end the test with this message.
export function fail(message) {
	throw new TestFailure(message);
}

// check(condition, message): fail(message) unless condition is true.
export function check(condition, message) {
	if (!condition)
		fail(message);
}

// ---------------------------------------------------------------- the stack

// stack(args, { input }): scripts/stack on this test's stack; returns its
// standard output, fails the test if it exits non-zero.
export function stack(args, { input } = {}) {
	const r = spawnSync(env.stack, ['--state', env.state, ...args], {
		input, encoding: 'utf8', timeout: 60_000,
	});
	if (r.error || r.status !== 0)
		fail(`scripts/stack ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr || '').trim() || r.error}`);
	return r.stdout;
}

// sql(query): run it as parvis_admin; the rows, each an array of strings
// (tab-separated output, no header).
export function sql(query) {
	const r = spawnSync('mariadb', [`--defaults-file=${env.state}/admin.cnf`, '--batch',
		'--skip-column-names', '-e', query], { encoding: 'utf8', timeout: 30_000 });
	if (r.error || r.status !== 0)
		fail(`sql failed: ${query}\n${(r.stderr || '').trim() || r.error}`);
	return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

// sqlValue(query): the first column of the first row ('' if none).
export function sqlValue(query) {
	const rows = sql(query);
	return rows.length > 0 ? rows[0][0] : '';
}

const sqlString = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

// makeUser(login, options): an active user, as make_user in
// tests/integration/lib.sh: e-mail LOGIN@test.parvis.localhost, mobile
// 0611223344, roles ['pro'] unless given. Returns { id, login, email,
// password, firstName, lastName, mobile }.
export function makeUser(login, {
	roles = ['pro'],
	email = `${login}@test.parvis.localhost`,
	firstName = 'Test',
	lastName = login.charAt(0).toUpperCase() + login.slice(1),
	mobile = '0611223344',
	password = TEST_PASSWORD,
} = {}) {
	stack(['admin', 'create-user', '--login', login, '--email', email,
		'--first-name', firstName, '--last-name', lastName, '--mobile', mobile,
		'--password-stdin'], { input: `${password}\n` });
	const id = Number(sqlValue(`SELECT id FROM parvis.app_user WHERE login = ${sqlString(login)}`));
	check(id > 0, `user ${login} was not created`);
	// Roles through grant-role (which finds the user by login) rather than
	// create-user --role: create-user grants to db_insert_id() taken after
	// its audit row, i.e. to the wrong id, and INSERT IGNORE hides the
	// failure. Checked below either way.
	for (const r of roles)
		stack(['admin', 'grant-role', login, r]);
	const have = sql(`SELECT role FROM parvis.user_role WHERE user_id = ${id}`).map((row) => row[0]);
	for (const r of roles)
		check(have.includes(r.split(':')[0]), `user ${login} did not get the role ${r} (has: ${have.join(', ') || 'none'})`);
	return { id, login, email, password, firstName, lastName, mobile, roles };
}

// acceptAllCgu(userId): record acceptance of every current CGU version, to
// skip the CGU pages in tests that are not about them.
export function acceptAllCgu(userId) {
	sql(`INSERT IGNORE INTO parvis.cgu_acceptance (user_id, version_id)
		SELECT ${Number(userId)}, v.id FROM parvis.cgu_version v`);
}

// ---------------------------------------------------------------- mail

// The SMTP sink stores each message as one file of the Maildir, with
// X-Peer, X-MailFrom and X-RcptTo (comma-separated) trace headers first.

function mailFiles() {
	const files = [];
	for (const sub of ['new', 'cur']) {
		const dir = join(env.mailDir, sub);
		let names = [];
		try {
			names = readdirSync(dir);
		} catch {
			continue;
		}
		for (const n of names) {
			if (n.startsWith('.'))
				continue;
			const file = join(dir, n);
			try {
				files.push({ file, mtime: statSync(file).mtimeMs, name: n });
			} catch { /* delivered to cur/ meanwhile */ }
		}
	}
	// Oldest first; the Maildir name starts with the time, which breaks ties.
	return files.sort((a, b) => a.mtime - b.mtime || a.name.localeCompare(b.name));
}

function decodeQuotedPrintable(text) {
	const bytes = [];
	const s = text.replace(/=\r?\n/g, '');
	for (let i = 0; i < s.length; i++) {
		if (s[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
			bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
			i += 2;
		} else {
			bytes.push(...Buffer.from(s[i], 'utf8'));
		}
	}
	return Buffer.from(bytes).toString('utf8');
}

function decodeBody(body, encoding) {
	switch ((encoding || '').trim().toLowerCase()) {
	case 'quoted-printable': return decodeQuotedPrintable(body);
	case 'base64': return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
	default: return body;
	}
}

// RFC 2047 encoded words in headers (=?utf-8?q?...?= and =?utf-8?b?...?=).
function decodeHeader(value) {
	return value.replace(/=\?[^?]+\?([QqBb])\?([^?]*)\?=(\s+(?==\?))?/g, (_, enc, text) =>
		enc.toUpperCase() === 'B'
			? Buffer.from(text, 'base64').toString('utf8')
			: decodeQuotedPrintable(text.replace(/_/g, ' ')));
}

function parseHeaders(block) {
	const headers = {};
	for (const line of block.replace(/\n[ \t]+/g, ' ').split('\n')) {
		const i = line.indexOf(':');
		if (i > 0)
			headers[line.slice(0, i).trim().toLowerCase()] = decodeHeader(line.slice(i + 1).trim());
	}
	return headers;
}

// parseMail(raw): { headers (lower-case names), subject, to (X-RcptTo
// addresses, lower case), text (the decoded text/plain body), raw }.
// Handles a single part or a multipart message (first text/plain part).
export function parseMail(raw, file = '') {
	const cut = raw.indexOf('\n\n');
	const headers = parseHeaders(cut >= 0 ? raw.slice(0, cut) : raw);
	let body = cut >= 0 ? raw.slice(cut + 2) : '';
	let type = headers['content-type'] || 'text/plain';
	let encoding = headers['content-transfer-encoding'];
	const boundary = /multipart\/.*boundary="?([^";]+)"?/i.exec(type);
	if (boundary) {
		const parts = body.split(`--${boundary[1]}`).slice(1);
		const plain = parts.map((p) => {
			const c = p.replace(/^\n/, '').indexOf('\n\n');
			const ph = parseHeaders(p.replace(/^\n/, '').slice(0, c));
			return { ph, body: p.replace(/^\n/, '').slice(c + 2) };
		}).find((p) => /text\/plain/i.test(p.ph['content-type'] || 'text/plain'));
		if (plain) {
			body = plain.body;
			encoding = plain.ph['content-transfer-encoding'];
		}
	}
	const to = (headers['x-rcptto'] || '').split(',').map((a) => a.trim().toLowerCase()).filter(Boolean);
	return { file, headers, subject: headers.subject || '', to, text: decodeBody(body, encoding), raw };
}

// mailsTo(address): the files of the messages sent to address, oldest first.
export function mailsTo(address) {
	const want = address.toLowerCase();
	return mailFiles().filter(({ file }) => {
		let head;
		try {
			head = readFileSync(file, 'utf8').split('\n', 4).join('\n');
		} catch {
			return false;
		}
		const m = /^X-RcptTo:(.*)$/im.exec(head);
		return m && m[1].split(',').some((a) => a.trim().toLowerCase() === want);
	}).map(({ file }) => file);
}

// lastMailTo(address): the newest message to address, parsed (fails if none).
export function lastMailTo(address) {
	const files = mailsTo(address);
	check(files.length > 0, `no mail to ${address}`);
	const file = files[files.length - 1];
	return parseMail(readFileSync(file, 'utf8'), file);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// waitForMailTo(address, count, timeoutMs): until count messages went to
// address; returns the newest, parsed.
export async function waitForMailTo(address, count, timeoutMs = 20_000) {
	const deadline = Date.now() + timeoutMs;
	let n;
	while ((n = mailsTo(address).length) < count) {
		if (Date.now() > deadline)
			fail(`${n} mail(s) to ${address} after ${timeoutMs / 1000}s, expected ${count}`);
		await sleep(200);
	}
	return lastMailTo(address);
}

// expectMail(address, action, { subject }): run action (async), then wait
// for a new message to address (one that was not there before the action)
// whose subject matches subject (a RegExp or a substring; any if not
// given), and return it, parsed. The oldest new match if several came.
//   const mail = await expectMail(user.email, () => page.getByRole(...).click());
//   const link = await expectMail(email, validate, { subject: 'mot de passe' });
export async function expectMail(address, action, { subject, timeoutMs = 20_000 } = {}) {
	const before = new Set(mailsTo(address));
	await action();
	return waitForNewMail(address, before, { subject, timeoutMs });
}

// waitForNewMail(address, before, { subject }): as expectMail, for a set of
// files taken earlier with new Set(mailsTo(address)); use it when several
// messages come from one action:
//   const before = new Set(mailsTo(email));
//   await click();
//   const a = await waitForNewMail(email, before, { subject: 'identifiant' });
//   const b = await waitForNewMail(email, before, { subject: 'mot de passe' });
export async function waitForNewMail(address, before, { subject, timeoutMs = 20_000 } = {}) {
	const matches = (m) => subject === undefined ||
		(subject instanceof RegExp ? subject.test(m.subject) : m.subject.includes(subject));
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const fresh = mailsTo(address).filter((f) => !before.has(f))
			.map((f) => parseMail(readFileSync(f, 'utf8'), f));
		const found = fresh.find(matches);
		if (found)
			return found;
		if (Date.now() > deadline)
			fail(`no new mail to ${address}${subject ? ` with a subject matching ${subject}` : ''} after ${timeoutMs / 1000}s` +
				(fresh.length ? ` (new: ${fresh.map((m) => `"${m.subject}"`).join(', ')})` : ''));
		await sleep(200);
	}
}

// extractCode(mail): the 6-digit one-time code of a message (subject
// "code Parvis : 123456", or a line holding only the code).
export function extractCode(mail) {
	const m = /code Parvis : (\d{6})\b/.exec(mail.subject) ||
		/^\s*(\d{3} ?\d{3})\s*$/m.exec(mail.text) ||
		/\b(\d{6})\b/.exec(mail.text);
	check(m, `no 6-digit code in the mail "${mail.subject}":\n${mail.text}`);
	return m[1].replace(/ /g, '');
}

// extractLink(mail, pattern): the first absolute link of the message whose
// text matches pattern (a RegExp or a string the link must contain);
// any link if no pattern is given.
export function extractLink(mail, pattern) {
	const links = mail.text.match(/https?:\/\/[^\s<>"')\]]+/g) || [];
	const found = links.find((l) => pattern === undefined ||
		(pattern instanceof RegExp ? pattern.test(l) : l.includes(pattern)));
	check(found, `no link${pattern ? ` matching ${pattern}` : ''} in the mail "${mail.subject}":\n${mail.text}`);
	return found;
}

// ---------------------------------------------------------------- browser

// Debian's Chromium, never a downloaded one. Playwright starts it with a
// fresh temporary --user-data-dir of its own (and removes it at close);
// it refuses a --user-data-dir in args. The other flags keep Chromium off
// this machine's closed network (see the machine notes) and let it run as
// root in CI.
export async function launchBrowser() {
	return chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
		timeout: 30_000,
	});
}

// contextOptions(phone): a 1280×800 desktop, or a 390×844 phone.
export function contextOptions({ phone = false } = {}) {
	return {
		baseURL: env.url,
		viewport: phone ? VIEWPORT_PHONE : VIEWPORT_DESKTOP,
		...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
		locale: 'fr-FR',
		timezoneId: 'Europe/Paris',
		// The real Content-Security-Policy stays on in every test context.
		bypassCSP: false,
	};
}

// ---------------------------------------------------------------- checks

let axeSource = null;

// checkA11y(page, label): run axe-core on the page as it is now and fail on
// any "serious" or "critical" violation, listing them. Lesser ones are
// printed as notes.
//
// About the CSP: the pages forbid inline script (script-src 'self'), and
// page.addScriptTag({ path }) injects the file as an inline <script>, which
// Chromium blocks. Instead of turning the CSP off (context option
// bypassCSP: true) we evaluate axe's source through the DevTools protocol
// (page.evaluate), which the page's CSP does not govern: axe then audits the
// live page, with the real CSP still in force, in the test's own context
// and without loading the page a second time (a second GET could change
// state, and a POST result could not be loaded again). Nothing in the test
// contexts bypasses the CSP, so a page that needs inline script or style
// shows up as a CSP violation (see browserTest).
export async function checkA11y(page, label) {
	await page.waitForLoadState('load');
	if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
		axeSource ??= readFileSync(AXE_PATH, 'utf8');
		await page.evaluate(axeSource);
	}
	const result = await page.evaluate(async () => {
		const r = await window.axe.run(document, { resultTypes: ['violations'] });
		return r.violations.map((v) => ({
			id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
		}));
	});
	const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	for (const v of result.filter((x) => !bad.includes(x)))
		console.log(`# axe (${label}): ${v.impact} ${v.id}: ${v.help} [${v.nodes.map((n) => n.target).join(', ')}]`);
	if (bad.length > 0) {
		const lines = bad.map((v) => `  ${v.impact} ${v.id}: ${v.help} (${v.helpUrl})\n` +
			v.nodes.slice(0, 5).map((n) => `    ${n.target}\n      ${(n.summary || '').replace(/\n/g, '\n      ')}`).join('\n'));
		fail(`accessibility (${label}, ${page.url()}): ${bad.length} serious/critical axe violation(s):\n${lines.join('\n')}`);
	}
	console.log(`# axe (${label}): no serious or critical violation`);
}

// checkNoHorizontalOverflow(page, label): nothing is wider than the window:
// document.documentElement.scrollWidth <= innerWidth, and innerWidth is
// the viewport's width (a phone context, isMobile, zooms out to fit wide
// content, which would make innerWidth grow instead). Lists the elements
// that stick out otherwise.
export async function checkNoHorizontalOverflow(page, label) {
	await page.waitForLoadState('load');
	const width = page.viewportSize().width;
	const r = await page.evaluate((limit) => {
		const out = [];
		for (const el of document.body.querySelectorAll('*')) {
			const b = el.getBoundingClientRect();
			if (b.right > limit + 0.5 && b.width > 0) {
				const id = el.id ? `#${el.id}` : '';
				const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
				out.push(`${el.tagName.toLowerCase()}${id}${cls} (right edge at ${Math.round(b.right)}px)`);
			}
		}
		return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, out: out.slice(0, 8) };
	}, width);
	check(r.scrollWidth <= r.innerWidth && r.innerWidth <= width,
		`horizontal overflow (${label}, ${page.url()}): scrollWidth ${r.scrollWidth}, innerWidth ${r.innerWidth}, viewport ${width}\n  ${r.out.join('\n  ')}`);
	console.log(`# no horizontal overflow (${label}): scrollWidth ${r.scrollWidth} <= innerWidth ${r.innerWidth}`);
}

// expectPath(page, path): the page's URL has this path (a string, exact,
// or a RegExp tested on path + query); waits for it up to TIMEOUT_MS.
export async function expectPath(page, path) {
	const ok = (u) => (path instanceof RegExp ? path.test(u.pathname + u.search) : u.pathname === path);
	try {
		await page.waitForURL(ok, { timeout: TIMEOUT_MS, waitUntil: 'load' });
	} catch {
		fail(`expected to be on ${path}, but the page is ${page.url()}`);
	}
}

// expectVisible(locator, what): the locator shows up within TIMEOUT_MS.
export async function expectVisible(locator, what) {
	try {
		await locator.first().waitFor({ state: 'visible', timeout: TIMEOUT_MS });
	} catch {
		fail(`not visible: ${what || locator}`);
	}
}

// ---------------------------------------------------------------- wrapper

// browserTest(body): launch Chromium, run body({ browser, newPage, step })
// and close everything. newPage({ phone }) opens a page in a new context
// (its own cookies: a new user at the keyboard). Fails the test on an
// exception, a Content-Security-Policy violation, an uncaught script error
// or a 5xx response; then saves a full-page screenshot of each open page
// under tests/browser/screenshots/ and sets a non-zero exit status.
export async function browserTest(body) {
	const t0 = Date.now();
	let browser;
	const pages = [];
	const problems = [];
	let current = '(start)';
	const step = (text) => {
		current = text;
		console.log(`# [${((Date.now() - t0) / 1000).toFixed(1)}s] ${text}`);
	};
	const newPage = async ({ phone = false } = {}) => {
		const context = await browser.newContext(contextOptions({ phone }));
		context.setDefaultTimeout(TIMEOUT_MS);
		context.setDefaultNavigationTimeout(15_000);
		const page = await context.newPage();
		page.on('console', (m) => {
			if (m.type() === 'error' && /Content Security Policy/i.test(m.text()))
				problems.push(`CSP violation on ${page.url()}: ${m.text()}`);
		});
		page.on('pageerror', (e) => problems.push(`script error on ${page.url()}: ${e.message}`));
		page.on('response', (r) => {
			if (r.status() >= 500)
				problems.push(`${r.status()} for ${r.request().method()} ${r.url()}`);
		});
		pages.push(page);
		return page;
	};
	let failed = false;
	try {
		browser = await launchBrowser();
		await body({ browser, newPage, step });
		if (problems.length > 0) {
			current = '(end)';
			fail(problems.splice(0).join('\n'));
		}
	} catch (e) {
		failed = true;
		const msg = e instanceof TestFailure ? e.message : (e && e.stack) || String(e);
		console.error(`FAIL: ${TEST_NAME}: during "${current}": ${msg}`);
		for (const p of problems)
			console.error(`  also: ${p}`);
		mkdirSync(SCREENSHOT_DIR, { recursive: true });
		for (const [i, page] of pages.entries()) {
			if (page.isClosed())
				continue;
			const file = join(SCREENSHOT_DIR, `${TEST_NAME}-${i + 1}.png`);
			try {
				await page.screenshot({ path: file, fullPage: true, timeout: 5_000 });
				console.error(`  page ${i + 1}: ${page.url()} (screenshot ${file})`);
			} catch (se) {
				console.error(`  page ${i + 1}: ${page.url()} (no screenshot: ${se.message.split('\n')[0]})`);
			}
		}
	} finally {
		if (browser)
			await browser.close().catch(() => {});
	}
	console.log(`# ${TEST_NAME}: ${failed ? 'failed' : 'passed'} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
	process.exitCode = failed ? 1 : 0;
}
