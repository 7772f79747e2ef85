/*
 * The directory's page enhancements; every page works without them.
 *  - Postal code chips (form [data-chips]): each checkbox becomes a chip
 *    with a remove button; codes typed in [data-chips-add] become chips on
 *    Enter or comma; [data-chips-reset] restores the territory (a link, so
 *    it works without script too).
 *  - Copy to the clipboard ([data-copy] names the id of a text field).
 */
(function () {
	"use strict";

	function chipFor(list, code, checked, added) {
		var li = document.createElement("li");
		var box = document.createElement("input");
		var text = document.createElement("label");
		var remove = document.createElement("button");

		li.className = "chip" + (added ? " chip-added" : "");
		box.type = "checkbox";
		box.name = "cp";
		box.value = code;
		box.checked = checked;
		box.id = "cp-" + code;
		text.className = "chip-text";
		text.htmlFor = box.id;
		text.textContent = code;
		remove.type = "button";
		remove.className = "chip-remove";
		remove.setAttribute("aria-label", "Retirer le code postal " + code);
		remove.textContent = "×";
		remove.addEventListener("click", function () {
			box.checked = false;
			li.hidden = true;
			var next = li.nextElementSibling;
			var focus = next ? next.querySelector("button") : null;
			if (focus) {
				focus.focus();
			}
		});
		li.appendChild(box);
		li.appendChild(text);
		li.appendChild(remove);
		li.hidden = !checked;
		list.appendChild(li);
	}

	function setupChips(box) {
		var list = box.querySelector("[data-chips-list]");
		var input = box.querySelector("[data-chips-add]");
		var items, i;

		if (!list) {
			return;
		}
		items = list.querySelectorAll("li");
		var chips = [];
		for (i = 0; i < items.length; i++) {
			var cb = items[i].querySelector("input[type=checkbox]");
			chips.push({ code: cb.value, checked: cb.checked,
			    added: items[i].classList.contains("chip-added") });
		}
		list.textContent = "";
		box.classList.add("chips-js");
		for (i = 0; i < chips.length; i++) {
			chipFor(list, chips[i].code, chips[i].checked, chips[i].added);
		}
		if (!input) {
			return;
		}
		function addTyped() {
			var codes = input.value.split(/[\s,;]+/), j, k, left = [];
			for (j = 0; j < codes.length; j++) {
				var c = codes[j];
				if (c === "") {
					continue;
				}
				if (!/^[0-9]{5}$/.test(c)) {
					left.push(c);
					continue;
				}
				var found = false;
				var boxes = list.querySelectorAll("input[name=cp]");
				for (k = 0; k < boxes.length; k++) {
					if (boxes[k].value === c) {
						boxes[k].checked = true;
						boxes[k].parentNode.hidden = false;
						found = true;
					}
				}
				if (!found) {
					chipFor(list, c, true, true);
				}
			}
			input.value = left.join(" ");
		}
		input.addEventListener("keydown", function (e) {
			if (e.key === "Enter" || e.key === ",") {
				e.preventDefault();
				addTyped();
			}
		});
		input.addEventListener("blur", addTyped);
	}

	function setupCopy(button) {
		var source = document.getElementById(button.getAttribute("data-copy"));
		var status = button.parentNode.querySelector(".copy-status");

		if (!source || !navigator.clipboard) {
			return;
		}
		button.hidden = false;
		button.addEventListener("click", function () {
			navigator.clipboard.writeText(source.value).then(function () {
				if (status) {
					status.textContent = "Adresses copiées.";
				}
			}, function () {
				source.select();
				if (status) {
					status.textContent = "Copie impossible : sélectionnez le texte puis Ctrl+C.";
				}
			});
		});
	}

	document.addEventListener("DOMContentLoaded", function () {
		var i, boxes = document.querySelectorAll("[data-chips]");
		for (i = 0; i < boxes.length; i++) {
			setupChips(boxes[i]);
		}
		var copies = document.querySelectorAll("[data-copy]");
		for (i = 0; i < copies.length; i++) {
			setupCopy(copies[i]);
		}
	});
}());
