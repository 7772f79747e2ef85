/*
 * password-rules.js: marks each password rule of the list beside a
 * new-password field as met (class rule-ok) or not (rule-ko) while the user
 * types, with a visually hidden " – respecté" / " – non respecté" for screen
 * readers.  The page works without it: the server checks again and answers
 * with one message per failed rule.
 *
 * Markup (templates/partials/password_rules.html):
 *   <input type="password" data-password-rules="password-rules" ...>
 *   <ul id="password-rules"><li data-rule="length" data-min="12">...</li>
 *
 * Same rules as fcgi/lib/pwpolicy.c: length in code points, letters of
 * ASCII, Latin-1 Supplement and Latin Extended-A with their case, digits
 * 0-9, anything else special, and the forbidden characters.  The common
 * password and personal information rules are the server's alone: their
 * items are left as they are.
 */
(function () {
	"use strict";

	var MAX_LENGTH = 128;
	var UPPER = 1, LOWER = 2, LETTER = 3, DIGIT = 4, SPECIAL = 5;

	/* classify() of pwpolicy.c, code point for code point. */
	function classify(cp) {
		if (cp >= 0x41 && cp <= 0x5a)
			return UPPER;
		if (cp >= 0x61 && cp <= 0x7a)
			return LOWER;
		if (cp >= 0x30 && cp <= 0x39)
			return DIGIT;
		if (cp === 0xaa || cp === 0xba)
			return LETTER;
		if (cp === 0xb5)
			return LOWER;
		if (cp >= 0xc0 && cp <= 0xde && cp !== 0xd7)
			return UPPER;
		if (cp >= 0xdf && cp <= 0xff && cp !== 0xf7)
			return LOWER;
		if (cp < 0x100 || cp > 0x17f)
			return SPECIAL;
		if (cp === 0x138 || cp === 0x149 || cp === 0x17f)
			return LOWER;
		if (cp === 0x178)
			return UPPER;
		if ((cp >= 0x139 && cp <= 0x148) ||
		    (cp >= 0x179 && cp <= 0x17e))
			return (cp & 1) ? UPPER : LOWER;
		return (cp & 1) ? LOWER : UPPER;
	}

	/* What the value holds, code point by code point (for...of walks a
	 * string by code points, not UTF-16 units).  Past the maximum the
	 * server refuses the password whatever it holds. */
	function measure(value, forbidden) {
		var m = { length: 0, upper: false, lower: false, digit: false,
		    special: false, forbidden: false };
		var ch, c;

		for (ch of value) {
			m.length++;
			if (m.length > MAX_LENGTH + 1)
				break;
			c = classify(ch.codePointAt(0));
			if (c === UPPER)
				m.upper = true;
			else if (c === LOWER)
				m.lower = true;
			else if (c === DIGIT)
				m.digit = true;
			else if (c === SPECIAL)
				m.special = true;
			if (forbidden.indexOf(ch) !== -1)
				m.forbidden = true;
		}
		return m;
	}

	/* Returns true or false for a rule the script checks, null for one
	 * it leaves to the server. */
	function met(item, m) {
		var min;

		switch (item.getAttribute("data-rule")) {
		case "length":
			min = parseInt(item.getAttribute("data-min"), 10);
			return m.length >= (isNaN(min) ? 12 : min);
		case "upper":
			return m.upper;
		case "lower":
			return m.lower;
		case "digit":
			return m.digit;
		case "special":
			return m.special;
		case "forbidden":
			return !m.forbidden;
		default:
			return null;
		}
	}

	function mark(item, ok) {
		var span = item.querySelector(".visually-hidden");
		var suffix = ok ? " – respecté" : " – non respecté";

		if (item.classList.contains(ok ? "rule-ok" : "rule-ko") &&
		    span !== null && span.textContent === suffix)
			return;		/* unchanged: nothing for aria-live */
		item.classList.toggle("rule-ok", ok);
		item.classList.toggle("rule-ko", !ok);
		if (span === null) {
			span = document.createElement("span");
			span.className = "visually-hidden";
			item.appendChild(span);
		}
		span.textContent = suffix;
	}

	/* Back to neutral: a server's mark of a rule the script cannot check
	 * no longer applies once the password changes. */
	function unmark(item) {
		var span = item.querySelector(".visually-hidden");

		item.classList.remove("rule-ok", "rule-ko");
		if (span !== null)
			span.textContent = "";
	}

	function bind(input) {
		var id = input.getAttribute("data-password-rules");
		var list = document.getElementById(id || "password-rules");
		var items, forbidden = [], chars;

		if (list === null)
			return;
		items = list.querySelectorAll("li[data-rule]");
		chars = list.querySelector('li[data-rule="forbidden"]');
		if (chars !== null)
			forbidden = Array.from(
			    chars.getAttribute("data-chars") || "");

		function update() {
			var m = measure(input.value, forbidden);
			var i, ok;

			for (i = 0; i < items.length; i++) {
				ok = met(items[i], m);
				if (ok !== null)
					mark(items[i], ok);
				else
					unmark(items[i]);
			}
		}
		input.addEventListener("input", update);
		/* A value the browser restored (back button, autofill). */
		if (input.value !== "")
			update();
	}

	function init() {
		var inputs =
		    document.querySelectorAll("input[data-password-rules]");
		var i;

		for (i = 0; i < inputs.length; i++)
			bind(inputs[i]);
	}

	if (document.readyState === "loading")
		document.addEventListener("DOMContentLoaded", init);
	else
		init();
})();
