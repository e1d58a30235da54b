/*
 * Keyboard shortcuts for the inbox and the post page:
 *   j / k  next / previous post in a queue      o  open it
 *   c  claim    r  reply    f  forward    e  close    x  tick the post    ?  help
 * Nothing happens while the person is typing in a field; Esc leaves the field.
 * Every shortcut does what a click on a visible control does: no feature is
 * reachable by keyboard only, or by mouse only.
 */
(function () {
  "use strict";

  function typingIn(target) {
    return target instanceof Element && target.closest("input, textarea, select, [contenteditable='true']");
  }

  function queueRows() {
    return Array.from(document.querySelectorAll("table.queue tbody tr"));
  }

  function currentRow(rows) {
    const inRow = document.activeElement && document.activeElement.closest("table.queue tbody tr");
    if (inRow) return rows.indexOf(inRow);
    return rows.findIndex((row) => row.classList.contains("selected"));
  }

  function move(step) {
    const rows = queueRows();
    if (!rows.length) return false;
    const from = currentRow(rows);
    const to = from < 0 ? 0 : Math.max(0, Math.min(rows.length - 1, from + step));
    rows.forEach((row, n) => row.classList.toggle("selected", n === to));
    const link = rows[to].querySelector("a");
    if (link) link.focus();
    return true;
  }

  function openChosen() {
    const rows = queueRows();
    const index = currentRow(rows);
    const link = index >= 0 ? rows[index].querySelector("a") : null;
    if (!link) return false;
    link.click();
    return true;
  }

  function openPanel(id) {
    const panel = document.getElementById(id);
    if (!panel) return false;
    panel.open = true;
    const field = panel.querySelector("select, textarea, input:not([type=hidden])");
    (field || panel.querySelector("summary")).focus();
    return true;
  }

  function focusReply() {
    const field = document.querySelector("#reply-form textarea");
    if (!field) return false;
    field.focus();
    return true;
  }

  function click(selector) {
    const control = document.querySelector(selector);
    if (!control) return false;
    control.click();
    return true;
  }

  function tickChosen() {
    const rows = queueRows();
    const index = currentRow(rows);
    const box = index >= 0 ? rows[index].querySelector("input[name=posts]") : null;
    if (!box) return false;
    box.checked = !box.checked;
    box.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  function toggleHelp() {
    const dialog = document.getElementById("shortcuts");
    if (!dialog) return false;
    if (dialog.open) dialog.close();
    else dialog.showModal();
    return true;
  }

  const actions = {
    j: () => move(1),
    k: () => move(-1),
    o: openChosen,
    c: () => click("[data-shortcut='c']"),
    r: focusReply,
    f: () => openPanel("forward-panel"),
    e: () => openPanel("close-panel"),
    x: tickChosen,
    "?": toggleHelp,
  };

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typingIn(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    const dialog = document.getElementById("shortcuts");
    if (dialog && dialog.open && event.key !== "?") return;
    const action = actions[event.key];
    if (action && action()) event.preventDefault();
  });

  // A saved reply fills the reply box in place; without script, the "Use" button
  // asks the server for the page with it filled in.
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element && event.target.closest("#use-saved-reply");
    if (!button) return;
    const select = document.getElementById("saved-reply");
    const field = document.querySelector("#reply-form textarea");
    const option = select && select.selectedOptions[0];
    if (!option || !field) return;
    event.preventDefault();
    field.value = option.dataset.text;
    field.dispatchEvent(new Event("input"));
    field.focus();
  });

  // The reply box's live counter, counting as the server does (inbox/work/limits.py):
  // on X a link counts 23, an emoji 2, a letter outside the ranges X weighs 1 counts 2.
  const LINK = /(?:https?:\/\/|www\.)[^\s<>"]+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|no|net|org|io|co|uk|se|dk|de|eu|info|app)(?:\/[^\s<>"]*)?/giu;
  const EMOJI = /[\p{Extended_Pictographic}\p{Regional_Indicator}]/u;
  const LIGHT = [[0x0000, 0x10ff], [0x2000, 0x200d], [0x2010, 0x201f], [0x2032, 0x2037]];
  const graphemes = "Segmenter" in Intl ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

  function weighed(text) {
    const clusters = graphemes ? Array.from(graphemes.segment(text), (part) => part.segment) : Array.from(text);
    let total = 0;
    for (const cluster of clusters) {
      if (EMOJI.test(cluster)) { total += 2; continue; }
      for (const character of cluster) {
        const point = character.codePointAt(0);
        total += LIGHT.some(([low, high]) => point >= low && point <= high) ? 1 : 2;
      }
    }
    return total;
  }

  function lengthOf(text, how) {
    if (how !== "x") return Array.from(text).length;
    text = text.normalize("NFC");
    let total = 0, position = 0;
    for (const link of text.matchAll(LINK)) {
      total += weighed(text.slice(position, link.index)) + 23;
      position = link.index + link[0].length;
    }
    return total + weighed(text.slice(position));
  }

  function count(field) {
    const counter = document.getElementById(field.id + "_counter");
    if (!counter) return;
    const limit = Number(field.dataset.limit);
    // The server trims the reply's ends before it counts.
    const used = lengthOf(field.value.trim(), field.dataset.count);
    counter.textContent = counter.dataset.template.replace("{used}", used).replace("{limit}", limit);
    const over = used > limit;
    counter.classList.toggle("over", over);
    // Only "too long" is the counter's to say; an error from the server stays until typing.
    if (over) field.setAttribute("aria-invalid", "true");
    else if (field.dataset.counted) field.removeAttribute("aria-invalid");
    field.dataset.counted = "yes";
  }

  for (const field of document.querySelectorAll("textarea[data-limit]")) {
    const counter = document.createElement("small");
    counter.id = field.id + "_counter";
    counter.className = "meta counter";
    // Said by a screen reader when the person pauses, not at every key.
    counter.setAttribute("aria-live", "polite");
    counter.dataset.template = field.closest("form").dataset.counterTemplate || "{used} / {limit}";
    field.insertAdjacentElement("afterend", counter);
    field.setAttribute("aria-describedby", [field.getAttribute("aria-describedby"), counter.id].filter(Boolean).join(" "));
    field.addEventListener("input", () => count(field));
    count(field);
  }

  // Acting on several posts: the ticked rows, the action's own fields, and no
  // refresh of the rows (which would untick them) while anything is ticked.
  const bulkForm = document.getElementById("bulk-form");
  if (bulkForm) {
    const ticked = () => Array.from(document.querySelectorAll("table.queue input[name=posts]:checked"));
    const action = bulkForm.querySelector("select[name=action]");
    const showFields = () => {
      for (const part of bulkForm.querySelectorAll("[data-shown-with]")) {
        part.hidden = !part.dataset.shownWith.split(" ").includes(action.value);
      }
    };
    const showCount = () => {
      const note = bulkForm.querySelector(".bulk-count");
      const count = ticked().length;
      note.textContent = count ? note.dataset.some.replace("{count}", count) : note.dataset.none;
      const all = document.querySelector("table.queue .pick-all");
      const boxes = document.querySelectorAll("table.queue input[name=posts]");
      if (all) {
        all.hidden = false;
        all.checked = count > 0 && count === boxes.length;
        all.indeterminate = count > 0 && count < boxes.length;
      }
      for (const box of boxes) box.closest("tr").classList.toggle("ticked", box.checked);
    };
    action.addEventListener("change", showFields);
    document.addEventListener("change", (event) => {
      const target = event.target;
      if (!(target instanceof HTMLInputElement)) return;
      if (target.classList.contains("pick-all")) {
        for (const box of document.querySelectorAll("table.queue input[name=posts]")) box.checked = target.checked;
      }
      if (target.classList.contains("pick-all") || target.name === "posts") showCount();
    });
    document.body.addEventListener("htmx:beforeRequest", (event) => {
      if (event.detail.target && event.detail.target.id === "queue-rows" && ticked().length) event.preventDefault();
    });
    document.body.addEventListener("htmx:afterSwap", showCount);
    showFields();
    showCount();
  }

  // "/" in the reply box searches the saved replies: type on to narrow, arrows to
  // choose, Enter or Tab to put the reply in place of "/word", Esc to leave it.
  const replyField = document.querySelector("#reply-form textarea");
  const savedPicker = document.getElementById("saved-reply");
  if (replyField && savedPicker) {
    const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    const menu = document.createElement("ul");
    menu.id = "saved-reply-search";
    menu.className = "slash-menu";
    menu.setAttribute("role", "listbox");
    menu.setAttribute("aria-label", savedPicker.dataset.searchLabel || "");
    menu.hidden = true;
    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    // Right under the box, above its counter and help.
    replyField.insertAdjacentElement("afterend", menu);
    replyField.parentElement.append(status);
    replyField.setAttribute("aria-controls", menu.id);
    const hint = document.getElementById("slash-hint");
    if (hint) hint.hidden = false;
    let found = [], active = 0, slashAt = -1;

    const close = () => {
      menu.hidden = true;
      found = [];
      slashAt = -1;
      replyField.removeAttribute("aria-activedescendant");
    };
    const mark = () => {
      Array.from(menu.children).forEach((item, n) => item.setAttribute("aria-selected", String(n === active)));
      if (found.length) replyField.setAttribute("aria-activedescendant", menu.children[active].id);
    };
    const search = () => {
      const before = replyField.value.slice(0, replyField.selectionStart);
      const typed = before.match(/(^|\s)\/([^\s\/]{0,40})$/u);
      if (!typed) return close();
      slashAt = before.length - typed[2].length - 1;
      const words = fold(typed[2]);
      found = Array.from(savedPicker.options).filter((option) => fold(option.textContent + " " + option.dataset.text).includes(words));
      menu.replaceChildren(...found.slice(0, 8).map((option, n) => {
        const item = document.createElement("li");
        item.id = "saved-reply-search-" + n;
        item.setAttribute("role", "option");
        item.textContent = option.textContent.trim();
        item.addEventListener("mousedown", (event) => { event.preventDefault(); active = n; put(); });
        return item;
      }));
      found = found.slice(0, 8);
      active = 0;
      menu.hidden = !found.length;
      status.textContent = (savedPicker.dataset.searchFound || "{count}").replace("{count}", found.length);
      mark();
    };
    const put = () => {
      const option = found[active];
      if (!option) return close();
      const end = replyField.selectionStart;
      const text = option.dataset.text;
      replyField.value = replyField.value.slice(0, slashAt) + text + replyField.value.slice(end);
      const caret = slashAt + text.length;
      close();
      replyField.setSelectionRange(caret, caret);
      replyField.dispatchEvent(new Event("input"));
      replyField.focus();
    };
    replyField.addEventListener("input", (event) => { if (event.isTrusted) search(); });
    replyField.addEventListener("blur", close);
    replyField.addEventListener("keydown", (event) => {
      if (menu.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        active = (active + (event.key === "ArrowDown" ? 1 : found.length - 1)) % found.length;
        mark();
      } else if (event.key === "Enter" || event.key === "Tab") {
        put();
      } else if (event.key === "Escape") {
        close();
      } else {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
    });
  }
})();
