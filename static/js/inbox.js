/*
 * Keyboard shortcuts for the inbox and the post page:
 *   j / k  next / previous post in a queue      o  open it
 *   c  claim    r  reply    f  forward    e  close    ?  help
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
})();
