// Page audit helpers (t07-every-page): the GET routes of the programs read
// from their route tables, sessions made straight in the database for a
// role (no mail round trip), one-time tokens, and a page audit that
// returns its findings instead of failing at the first one, so a run lists
// every defect at once.
//
//   const routes = getRoutes();                  // [{ program, path, file }]
//   await context.addCookies([sessionCookie(user.id, 2)]);
//   const problems = await auditPage(page, 'admin home, phone');

import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BROWSER_DIR, env, sql } from './parvis.mjs';

const CHECKOUT = join(BROWSER_DIR, '..', '..');
const AXE_PATH = join(BROWSER_DIR, 'node_modules', 'axe-core', 'axe.min.js');

// The session cookie's name on the plain-HTTP local stack (cookie_secure =
// false); "__Host-parvis" in production.
export const SESSION_COOKIE = 'parvis_session';

// getRoutes(programs): every GET route of the programs' route tables
// (fcgi/<program>/*.c: `{ "GET", "/path", ...` and the FOO_ROUTE("GET",
// "/path", ...) macros), each { program, path, file }, in file order.
export function getRoutes(programs = ['portal', 'annuaire', 'icope']) {
	const out = [];
	const re = /(?:\{|[A-Z_]+ROUTE\()\s*"GET"\s*,\s*"([^"]+)"/g;
	for (const program of programs) {
		const dir = join(CHECKOUT, 'fcgi', program);
		for (const f of readdirSync(dir).filter((n) => n.endsWith('.c')).sort()) {
			const text = readFileSync(join(dir, f), 'utf8');
			for (const m of text.matchAll(re))
				out.push({ program, path: m[1], file: `fcgi/${program}/${f}` });
		}
	}
	return out;
}

const sha256 = (s) => createHash('sha256').update(s).digest('hex');

// newToken(): a token as crypto_token makes them (32 random bytes,
// base64url, 43 characters).
export function newToken() {
	return randomBytes(32).toString('base64url');
}

// sessionCookie(userId, level): a fresh session of that user at that
// authentication level, inserted as session_create does (only the token's
// SHA-256 is stored); returns the cookie for context.addCookies.
export function sessionCookie(userId, level) {
	const token = newToken();
	const csrf = newToken();
	sql(`INSERT INTO parvis.session (token_hash, user_id, level, csrf_token, created_at, last_seen_at, ip, user_agent)
		VALUES ('${sha256(token)}', ${Number(userId)}, ${Number(level)}, '${csrf}', UTC_TIMESTAMP(), UTC_TIMESTAMP(),
		'127.0.0.1', 't07')`);
	return { name: SESSION_COOKIE, value: token, url: env.url, httpOnly: true, sameSite: 'Strict' };
}

// userToken(userId, kind): an unused activation or reset token of the
// user, valid one day, as the account pages store them; returns the token.
export function userToken(userId, kind) {
	const token = newToken();
	sql(`INSERT INTO parvis.user_token (token_hash, user_id, kind, expires_at, created_at)
		VALUES ('${sha256(token)}', ${Number(userId)}, '${kind}', UTC_TIMESTAMP() + INTERVAL 1 DAY, UTC_TIMESTAMP())`);
	return token;
}

// The axe-core rule sets run on every page: WCAG 2.0 and 2.1, levels A and AA.
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let axeSource = null;

// axeViolations(page): the WCAG A/AA violations axe-core finds on the page
// as it is now (every impact), as strings "id (impact): help [targets]".
// axe's source is evaluated through the DevTools protocol, as checkA11y
// does, so the page's CSP stays in force.
export async function axeViolations(page) {
	if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
		axeSource ??= readFileSync(AXE_PATH, 'utf8');
		await page.evaluate(axeSource);
	}
	return page.evaluate(async (tags) => {
		const r = await window.axe.run(document, {
			runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'],
		});
		return r.violations.map((v) => `axe ${v.id} (${v.impact}): ${v.help} [${
			v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', ')}${v.nodes.length > 4 ? ', ...' : ''}]`);
	}, AXE_TAGS);
}

// Words that give away an English title.
const ENGLISH = /\b(the|not found|forbidden|error|login|log in|sign in|search|settings|home|account|users?|alerts?)\b/i;

// structureProblems(page): what the page's markup gets wrong, as strings:
// html lang="fr", a French <title> "<something> – Parvis", exactly one h1,
// every form control with a <label> (or aria-labelledby), every
// aria-describedby pointing to an element that exists, no duplicate id.
export async function structureProblems(page) {
	const r = await page.evaluate(() => {
		const out = [];
		const lang = document.documentElement.getAttribute('lang');
		const h1 = [...document.querySelectorAll('h1')].map((h) => h.textContent.trim());
		const unlabelled = [];
		for (const el of document.querySelectorAll('input, select, textarea')) {
			if (el.type === 'hidden' || el.type === 'submit' || el.type === 'button' || el.type === 'reset' || el.type === 'image')
				continue;
			// Not rendered (the hidden username field kept for password
			// managers): nobody reads or fills it.
			if (el.getClientRects().length === 0)
				continue;
			const named = (el.labels && [...el.labels].some((l) => l.textContent.trim() !== '')) ||
				(el.getAttribute('aria-labelledby') || '').split(/\s+/).some((id) => id && document.getElementById(id));
			if (!named)
				unlabelled.push(`${el.tagName.toLowerCase()}[name=${el.name || '?'}]${el.id ? `#${el.id}` : ''}`);
		}
		const dangling = [];
		for (const el of document.querySelectorAll('[aria-describedby]'))
			for (const id of el.getAttribute('aria-describedby').split(/\s+/).filter(Boolean))
				if (!document.getElementById(id))
					dangling.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} → #${id}`);
		const seen = new Map();
		for (const el of document.querySelectorAll('[id]'))
			seen.set(el.id, (seen.get(el.id) || 0) + 1);
		const dup = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
		return { lang, title: document.title, h1, unlabelled, dangling, dup, out };
	});
	const out = [];
	if (r.lang !== 'fr')
		out.push(`<html lang="${r.lang}">, not fr`);
	const m = /^(.*\S)\s+–\s+Parvis$/.exec(r.title);
	if (!m)
		out.push(`title "${r.title}" is not "<page> – Parvis"`);
	else if (ENGLISH.test(m[1]))
		out.push(`title "${r.title}" does not read as French`);
	if (r.h1.length !== 1)
		out.push(`${r.h1.length} h1 (${r.h1.map((t) => `"${t}"`).join(', ')}), expected one`);
	if (r.unlabelled.length > 0)
		out.push(`form controls without a label: ${r.unlabelled.join(', ')}`);
	if (r.dangling.length > 0)
		out.push(`aria-describedby to a missing id: ${r.dangling.join(', ')}`);
	if (r.dup.length > 0)
		out.push(`duplicate ids: ${r.dup.join(', ')}`);
	return out;
}

// overflowProblems(page): [] if nothing is wider than the viewport (as
// checkNoHorizontalOverflow), else one string naming what sticks out.
export async function overflowProblems(page) {
	const width = page.viewportSize().width;
	const r = await page.evaluate((limit) => {
		const out = [];
		for (const el of document.body.querySelectorAll('*')) {
			const b = el.getBoundingClientRect();
			if (b.right > limit + 0.5 && b.width > 0) {
				// Only the outermost culprit of a subtree.
				let p = el.parentElement, inside = false;
				while (p && p !== document.body) {
					const pb = p.getBoundingClientRect();
					if (pb.right > limit + 0.5) {
						inside = true;
						break;
					}
					p = p.parentElement;
				}
				if (inside)
					continue;
				const id = el.id ? `#${el.id}` : '';
				const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
				out.push(`${el.tagName.toLowerCase()}${id}${cls} (to ${Math.round(b.right)}px)`);
			}
		}
		return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, out: out.slice(0, 6) };
	}, width);
	if (r.scrollWidth <= r.innerWidth && r.innerWidth <= width)
		return [];
	return [`horizontal overflow at ${width}px (scrollWidth ${r.scrollWidth}, innerWidth ${r.innerWidth}): ${r.out.join(', ')}`];
}

// errorTieProblems(page): on a form shown again with errors, every
// visible .field-error is named by the aria-describedby of a control (or
// of its fieldset) in the same .field or fieldset, and every control with
// aria-invalid="true" names a .field-error. Nothing on a page without
// errors.
export async function errorTieProblems(page) {
	return page.evaluate(() => {
		const out = [];
		const describedBy = (el) => (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
		const named = new Set();
		for (const el of document.querySelectorAll('[aria-describedby]'))
			for (const id of describedBy(el))
				named.add(id);
		for (const e of document.querySelectorAll('.field-error')) {
			if (e.getClientRects().length === 0 || e.textContent.trim() === '')
				continue;
			const label = `.field-error${e.id ? `#${e.id}` : ''} "${e.textContent.trim().slice(0, 50)}"`;
			if (!e.id || !named.has(e.id)) {
				out.push(`${label} is tied to no field (no aria-describedby names it)`);
				continue;
			}
			const box = e.closest('.field, fieldset');
			const owner = [...document.querySelectorAll('[aria-describedby]')].find((el) => describedBy(el).includes(e.id));
			if (!box || !(box.contains(owner) || owner.contains(box) || owner === box))
				out.push(`${label} is not beside its field ${owner.tagName.toLowerCase()}${owner.name ? `[name=${owner.name}]` : ''}`);
		}
		for (const el of document.querySelectorAll('[aria-invalid="true"]')) {
			const ok = describedBy(el).some((id) => document.getElementById(id)?.classList.contains('field-error')) ||
				describedBy(el.closest('fieldset') || el).some((id) => document.getElementById(id)?.classList.contains('field-error'));
			if (!ok)
				out.push(`${el.tagName.toLowerCase()}[name=${el.name || '?'}] is aria-invalid but names no .field-error`);
		}
		return out;
	});
}

// auditPage(page): every finding on the page as it is now: structure,
// errors tied to their fields, overflow, axe-core WCAG A/AA.
export async function auditPage(page) {
	await page.waitForLoadState('load');
	return [
		...await structureProblems(page),
		...await errorTieProblems(page),
		...await overflowProblems(page),
		...await axeViolations(page),
	];
}

// fieldErrorProblems(page, name): for the form control named name, what
// is wrong with the way its error is shown: it must have aria-invalid,
// and aria-describedby naming a visible .field-error inside the same
// .field (or fieldset) as the control.
export async function fieldErrorProblems(page, name) {
	return page.evaluate((n) => {
		const el = document.querySelector(`[name="${n}"]:not([type=hidden])`);
		if (!el)
			return [`no field named ${n}`];
		const out = [];
		const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
		// A radio group or checkbox list carries it on its fieldset.
		const group = el.closest('fieldset');
		const gids = group ? (group.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean) : [];
		const errs = [...ids, ...gids].map((id) => document.getElementById(id))
			.filter((e) => e && e.classList.contains('field-error'));
		if (errs.length === 0)
			return [`field ${n}: aria-describedby names no .field-error`];
		const e = errs[0];
		const visible = e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden' && e.textContent.trim() !== '';
		if (!visible)
			out.push(`field ${n}: its .field-error #${e.id} is not visible`);
		const box = el.closest('.field, fieldset');
		if (!box || !box.contains(e))
			out.push(`field ${n}: its .field-error #${e.id} is not beside it (not in the same .field/fieldset)`);
		if (ids.length > 0 && el.getAttribute('aria-invalid') !== 'true')
			out.push(`field ${n}: no aria-invalid="true"`);
		return out;
	}, name);
}
