// Samenspraak playground: a Telegram-like chat page for the local Bot API server's play users.
//
// Each browser tab plays its own users: one random Telegram user id per role, kept in
// sessionStorage, so several tabs are several people. Picking a role sends `/start <token>` for
// that role's demo link; new and edited messages come from long-polling /_sim/messages.
// Message text arrives as plain text plus Telegram entities and is built with DOM nodes only
// (textContent, never innerHTML), so nothing the bot or a user writes can inject markup.
"use strict";

(function () {
  const STORE_KEY = "samenspraak-speeltuin";
  const POLL_WAIT = 25; // seconds; browsers allow ~6 connections per host, tabs share them
  const RETRY_DELAY = 2000;
  const SAFE_SCHEMES = ["http:", "https:", "mailto:", "tel:"];
  const START_WITH_TOKEN = /^\/start \S+$/;
  const WIDE = window.matchMedia("(min-width: 761px)");

  const el = {
    roles: document.getElementById("roles"),
    extra: document.getElementById("extra"),
    language: document.getElementById("language"),
    newUser: document.getElementById("new-user"),
    werkgroep: document.getElementById("werkgroep-name"),
    title: document.getElementById("chat-title"),
    status: document.getElementById("status"),
    scroller: document.getElementById("scroller"),
    intro: document.getElementById("intro"),
    messages: document.getElementById("messages"),
    toast: document.getElementById("toast"),
    menu: document.getElementById("command-menu"),
    commandList: document.getElementById("command-list"),
    replyKeyboard: document.getElementById("reply-keyboard"),
    composer: document.getElementById("composer"),
    menuButton: document.getElementById("menu-button"),
    input: document.getElementById("composer-input"),
    send: document.getElementById("send-button"),
  };

  let config = null;
  let store = loadStore();
  let session = null; // the chat shown now: {role, userId, rev, abort, messages: Map}
  let toastTimer = null;

  // --- persistent per-tab state ----------------------------------------------------------------

  function loadStore() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || "null");
      if (saved && typeof saved === "object" && saved.users) return saved;
    } catch (_) {
      /* a broken entry is replaced below */
    }
    return { users: {}, started: {}, role: null, language: "nl" };
  }

  function saveStore() {
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify(store));
    } catch (_) {
      /* private mode without storage: this tab still works, it just forgets on reload */
    }
  }

  function randomUserId() {
    const buffer = new Uint32Array(1);
    crypto.getRandomValues(buffer);
    return 1000000000 + (buffer[0] % 1000000000);
  }

  function userIdFor(roleKey) {
    if (!store.users[roleKey]) {
      store.users[roleKey] = randomUserId();
      saveStore();
    }
    return store.users[roleKey];
  }

  // --- HTTP ------------------------------------------------------------------------------------

  async function getJson(url, options) {
    const response = await fetch(url, options);
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      body = null;
    }
    return { status: response.status, body: body };
  }

  function postJson(url, payload) {
    return getJson(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
    });
  }

  function roleOf(key) {
    return config.roles.find((role) => role.key === key);
  }

  async function sendText(text) {
    if (!session) return;
    const role = roleOf(session.role);
    const result = await postJson("/_sim/send", {
      user_id: session.userId,
      first_name: role.first_name,
      language_code: store.language,
      text: text,
    });
    if (!result.body || !result.body.ok) throw new Error("send failed");
  }

  async function press(messageId, data) {
    if (!session) return;
    const userId = session.userId;
    const result = await postJson("/_sim/press", {
      user_id: userId,
      message_id: messageId,
      data: data,
    });
    if (!result.body || !result.body.ok) return;
    const queryId = result.body.result.callback_query_id;
    const answer = await getJson(
      "/_play/toast?" + new URLSearchParams({ query_id: queryId, wait: "5" })
    );
    const toast = answer.body;
    if (toast && toast.ok && toast.text && session && session.userId === userId) {
      showToast(toast.text, toast.show_alert);
    }
  }

  // --- roles -----------------------------------------------------------------------------------

  function renderRoles() {
    el.roles.replaceChildren();
    for (const role of config.roles) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "role";
      button.dataset.role = role.key;
      button.setAttribute("aria-pressed", String(store.role === role.key));
      const name = document.createElement("span");
      name.className = "role-name";
      name.textContent = role.label;
      const description = document.createElement("span");
      description.className = "role-description";
      description.textContent = role.description;
      button.append(name, description);
      button.addEventListener("click", () => selectRole(role.key));
      el.roles.append(button);
    }
  }

  // The web channel: the same campaigns as a participant without Telegram opens them.
  function renderWebLinks() {
    const list = document.getElementById("web-links");
    const links = config.web || [];
    list.replaceChildren();
    for (const link of links) {
      const item = document.createElement("li");
      const anchor = document.createElement("a");
      anchor.href = link.url;
      anchor.target = "_blank";
      anchor.rel = "noopener";
      anchor.textContent = link.label;
      item.append(anchor);
      list.append(item);
    }
    list.hidden = links.length === 0;
    document.getElementById("web-title").hidden = links.length === 0;
  }

  function markRole(key) {
    for (const button of el.roles.querySelectorAll("button.role")) {
      button.setAttribute("aria-pressed", String(button.dataset.role === key));
    }
  }

  async function selectRole(key, options) {
    const role = roleOf(key);
    if (!role) return;
    stopSession();
    store.role = key;
    saveStore();
    markRole(key);
    const userId = userIdFor(key);
    session = { role: key, userId: userId, rev: null, abort: new AbortController(), messages: new Map() };
    el.messages.replaceChildren();
    el.intro.hidden = true;
    el.title.textContent = "Samenspraak – " + role.label.toLowerCase();
    setComposerEnabled(true);
    el.input.placeholder = "Bericht";
    hideReplyKeyboard();
    closeMenu(false);
    const current = session;
    if (!store.started[key]) {
      await startChat(current);
    }
    if (!(options && options.keepFocus)) el.input.focus();
    pollLoop(current);
  }

  async function startChat(current) {
    const role = roleOf(current.role);
    try {
      await sendText(role.start);
      store.started[current.role] = true;
      saveStore();
    } catch (_) {
      setStatus("geen verbinding met de speeltuin", true);
    }
  }

  function stopSession() {
    if (session) session.abort.abort();
    session = null;
  }

  function newUser() {
    store.users = {};
    store.started = {};
    saveStore();
    if (store.role) selectRole(store.role);
  }

  // --- polling ---------------------------------------------------------------------------------

  async function pollLoop(current) {
    let restarted = false;
    while (session === current) {
      const query = { chat_id: String(current.userId), include_user: "1", wait: String(POLL_WAIT) };
      if (current.rev !== null) query.after_rev = String(current.rev);
      else query.wait = "0";
      let result;
      try {
        result = await getJson("/_sim/messages?" + new URLSearchParams(query), {
          signal: current.abort.signal,
        });
      } catch (error) {
        if (session !== current) return;
        setStatus("geen verbinding – opnieuw proberen…", true);
        await sleep(RETRY_DELAY);
        continue;
      }
      if (session !== current) return;
      if (result.status === 404) {
        // The server does not know this chat: it restarted (chats live in memory) or the
        // first /start was lost. Open the link once more; the database remembers the rest.
        if (restarted) {
          await sleep(RETRY_DELAY);
        }
        restarted = true;
        // Message ids start again at 1 in a restarted server: drop what this page still shows.
        current.messages.clear();
        current.rev = null;
        el.messages.replaceChildren();
        hideReplyKeyboard();
        store.started[current.role] = false;
        await startChat(current);
        continue;
      }
      if (!result.body || !result.body.ok) {
        setStatus("de speeltuin gaf een fout – opnieuw proberen…", true);
        await sleep(RETRY_DELAY);
        continue;
      }
      setStatus("bot · speeltuin", false);
      apply(current, result.body.result.messages);
      current.rev = result.body.result.rev;
    }
  }

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  function setStatus(text, problem) {
    el.status.textContent = text;
    el.status.classList.toggle("problem", Boolean(problem));
  }

  // --- rendering messages ----------------------------------------------------------------------

  function apply(current, updates) {
    if (!updates.length) return;
    const nearBottom =
      el.scroller.scrollHeight - el.scroller.scrollTop - el.scroller.clientHeight < 120;
    const focusMemo = rememberFocus();
    let added = false;
    for (const message of updates) {
      const existing = current.messages.get(message.message_id);
      if (message.deleted) {
        if (existing) existing.node.remove();
        current.messages.delete(message.message_id);
        continue;
      }
      let node;
      if (existing) {
        node = updateMessage(existing, message);
      } else {
        node = renderMessage(message);
        insertInOrder(current, message.message_id, node);
        added = true;
      }
      current.messages.set(message.message_id, { data: message, node: node });
    }
    updateReplyKeyboard(current);
    restoreFocus(current, focusMemo);
    if (added && (nearBottom || focusMemo.inComposer || focusMemo.pressed)) {
      el.scroller.scrollTop = el.scroller.scrollHeight;
    }
  }

  // An edit. Most edits only change the buttons (a ticked option, a keyboard removed after a
  // tap); those are patched in place, so a screen reader does not read the message again and
  // the focused button stays focused. Other edits redraw the message.
  function updateMessage(entry, message) {
    if (bodyKey(entry.data) !== bodyKey(message)) {
      const node = renderMessage(message);
      entry.node.replaceWith(node);
      return node;
    }
    const node = entry.node;
    const oldKeyboard = node.querySelector(".inline-keyboard");
    if (!message.buttons || !message.buttons.length) {
      if (oldKeyboard) oldKeyboard.remove();
      return node;
    }
    if (oldKeyboard && sameShape(entry.data.buttons, message.buttons)) {
      const nodes = oldKeyboard.querySelectorAll(".kb-btn");
      message.buttons.flat().forEach((button, index) => {
        nodes[index].textContent = button.text;
        nodes[index].dataset.callback = button.callback_data || "";
      });
      return node;
    }
    const keyboard = renderInlineKeyboard(message);
    if (oldKeyboard) oldKeyboard.replaceWith(keyboard);
    else node.append(keyboard);
    return node;
  }

  function bodyKey(message) {
    const file = (media) => (media ? media.file_id : null);
    return JSON.stringify([
      message.text,
      message.entities,
      message.caption,
      message.caption_entities,
      file(message.photo),
      file(message.document),
    ]);
  }

  // Same rows and columns, and every button of the same kind (callback, or the same link).
  function sameShape(before, after) {
    if (!before || before.length !== after.length) return false;
    return before.every(
      (row, r) =>
        row.length === after[r].length &&
        row.every(
          (button, c) =>
            Boolean(button.callback_data) === Boolean(after[r][c].callback_data) &&
            (button.url || null) === (after[r][c].url || null)
        )
    );
  }

  function insertInOrder(current, messageId, node) {
    let after = null;
    for (const [id, entry] of current.messages) {
      if (id > messageId && (after === null || id < after.id)) after = { id: id, node: entry.node };
    }
    if (after) el.messages.insertBefore(node, after.node);
    else el.messages.append(node);
  }

  function renderMessage(message) {
    const item = document.createElement("li");
    item.className = "msg " + (message.from_bot ? "from-bot" : "from-user");
    item.dataset.messageId = String(message.message_id);

    const bubble = document.createElement("div");
    bubble.className = "bubble";
    const who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = message.from_bot ? "Bot: " : "Jij: ";
    bubble.append(who);

    if (message.photo) bubble.append(renderPhoto(message));
    if (message.document) bubble.append(renderDocument(message.document));
    if (message.sticker) bubble.append(textBlock(message.from_bot ? "[sticker]" : "[sticker verstuurd]"));
    if (message.voice) bubble.append(renderVoice(message.voice));

    let text = message.text !== undefined ? message.text : message.caption;
    if (!message.from_bot && message.text && START_WITH_TOKEN.test(message.text)) {
      text = "/start"; // like Telegram, which hides a deep link's start parameter
    }
    const entities = message.text !== undefined ? message.entities : message.caption_entities;
    if (text) {
      const body = document.createElement("div");
      body.className = "text";
      body.dir = "auto";
      body.append(renderEntities(text, entities || []));
      bubble.append(body);
    }

    const meta = document.createElement("time");
    meta.className = "meta";
    const date = new Date(message.date * 1000);
    meta.dateTime = date.toISOString();
    meta.textContent = date.toLocaleTimeString("nl-NL", { hour: "2-digit", minute: "2-digit" });
    bubble.append(meta);
    item.append(bubble);

    if (message.buttons && message.buttons.length) {
      item.append(renderInlineKeyboard(message));
    }
    return item;
  }

  function textBlock(text) {
    const node = document.createElement("div");
    node.className = "text";
    node.dir = "auto";
    node.textContent = text;
    return node;
  }

  function renderPhoto(message) {
    const figure = document.createElement("figure");
    figure.className = "photo";
    const link = document.createElement("a");
    link.href = message.photo.url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    const image = document.createElement("img");
    image.src = message.photo.url;
    image.alt = message.caption ? "Afbeelding: " + message.caption : "Afbeelding van de bot";
    image.loading = "lazy";
    image.addEventListener("load", () => {
      if (el.scroller.scrollHeight - el.scroller.scrollTop - el.scroller.clientHeight < 400) {
        el.scroller.scrollTop = el.scroller.scrollHeight;
      }
    });
    link.append(image);
    const hint = document.createElement("span");
    hint.className = "visually-hidden";
    hint.textContent = " (groot openen in een nieuw tabblad)";
    link.append(hint);
    figure.append(link);
    return figure;
  }

  function renderDocument(documentInfo) {
    const link = document.createElement("a");
    link.className = "document";
    link.href = documentInfo.url;
    const name = documentInfo.file_name || "document";
    link.setAttribute("download", name);
    const icon = document.createElement("span");
    icon.className = "document-icon";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = "📄";
    const label = document.createElement("span");
    label.className = "document-name";
    label.dir = "auto";
    label.textContent = name;
    const action = document.createElement("span");
    action.className = "document-action";
    action.textContent = "Downloaden";
    link.append(icon, label, action);
    return link;
  }

  function renderVoice(voice) {
    const audio = document.createElement("audio");
    audio.controls = true;
    audio.src = voice.url;
    audio.setAttribute("aria-label", "Spraakbericht");
    return audio;
  }

  function renderInlineKeyboard(message) {
    const keyboard = document.createElement("div");
    keyboard.className = "inline-keyboard";
    keyboard.setAttribute("role", "group");
    keyboard.setAttribute("aria-label", "Knoppen bij dit bericht");
    message.buttons.forEach((row, rowIndex) => {
      const line = document.createElement("div");
      line.className = "kb-row";
      row.forEach((button, columnIndex) => {
        let node;
        const href = button.url && !button.callback_data ? safeUrl(button.url) : null;
        const deepStart = href ? deepLinkStart(href) : null;
        if (deepStart) {
          node = document.createElement("button");
          node.type = "button";
          node.addEventListener("click", () => submitText(deepStart));
        } else if (button.url && !button.callback_data) {
          node = document.createElement("a");
          node.href = href || "#";
          node.target = "_blank";
          node.rel = "noopener noreferrer";
        } else {
          node = document.createElement("button");
          node.type = "button";
          node.dataset.callback = button.callback_data;
          node.addEventListener("click", () => onInlineButton(message.message_id, node));
        }
        node.className = "kb-btn";
        node.dir = "auto";
        node.dataset.position = rowIndex + ":" + columnIndex;
        node.textContent = button.text;
        line.append(node);
      });
      keyboard.append(line);
    });
    return keyboard;
  }

  async function onInlineButton(messageId, node) {
    node.classList.add("pending");
    node.setAttribute("aria-busy", "true");
    lastPressed = { messageId: messageId, position: node.dataset.position, at: Date.now() };
    try {
      await press(messageId, node.dataset.callback);
    } catch (_) {
      setStatus("de knop werkte niet – probeer het nog eens", true);
    } finally {
      node.classList.remove("pending");
      node.removeAttribute("aria-busy");
    }
  }

  // --- focus: keep keyboard users where they were when buttons are redrawn or removed ----------

  let lastPressed = null;

  function rememberFocus() {
    const active = document.activeElement;
    const memo = { inComposer: active === el.input, pressed: false, messageId: null, position: null };
    const item = active && active.closest ? active.closest("li.msg") : null;
    if (item && active.classList.contains("kb-btn")) {
      memo.messageId = Number(item.dataset.messageId);
      memo.position = active.dataset.position;
    }
    if (lastPressed && Date.now() - lastPressed.at < 15000) memo.pressed = true;
    return memo;
  }

  // After a press whose keyboard vanished, focus waits in the input for the bot's next message;
  // if that message brings buttons (the next question), focus moves on to them.
  let parked = false;

  function restoreFocus(current, memo) {
    if (parked && document.activeElement === el.input && !el.input.value) {
      const newest = el.messages.querySelector("li.msg.from-bot:last-of-type .kb-btn");
      const last = el.messages.lastElementChild;
      if (newest && last && last.contains(newest)) {
        parked = false;
        newest.focus();
      }
      return;
    }
    if (document.activeElement && document.activeElement !== document.body) return;
    if (memo.messageId !== null) {
      // The same button of a redrawn keyboard (a multiple-choice toggle), if it is still there.
      const entry = current.messages.get(memo.messageId);
      const same = entry && entry.node.querySelector('.kb-btn[data-position="' + memo.position + '"]');
      if (same) {
        same.focus();
        return;
      }
    }
    if (!memo.pressed) return;
    // The pressed keyboard is gone: go to the newest message with buttons, else to the input.
    const items = el.messages.querySelectorAll("li.msg.from-bot");
    for (let index = items.length - 1; index >= 0; index -= 1) {
      const first = items[index].querySelector(".kb-btn");
      if (first) {
        if (Number(items[index].dataset.messageId) > (lastPressed ? lastPressed.messageId : 0)) {
          first.focus();
          return;
        }
        break;
      }
    }
    parked = true;
    el.input.focus();
  }

  // --- reply keyboard (Telegram's keyboard under the input) --------------------------------------

  function updateReplyKeyboard(current) {
    let latest = null;
    for (const entry of current.messages.values()) {
      const data = entry.data;
      if (data.from_bot && (data.keyboard || data.remove_keyboard)) {
        if (!latest || data.message_id > latest.message_id) latest = data;
      }
    }
    if (!latest || !latest.keyboard) {
      hideReplyKeyboard();
      return;
    }
    el.replyKeyboard.replaceChildren();
    for (const row of latest.keyboard) {
      const line = document.createElement("div");
      line.className = "kb-row";
      for (const label of row) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "kb-btn";
        button.dir = "auto";
        button.textContent = label;
        button.addEventListener("click", () => submitText(label));
        line.append(button);
      }
      el.replyKeyboard.append(line);
    }
    el.replyKeyboard.hidden = false;
  }

  function hideReplyKeyboard() {
    el.replyKeyboard.hidden = true;
    el.replyKeyboard.replaceChildren();
  }

  // --- text with Telegram entities ---------------------------------------------------------------

  // Offsets and lengths count UTF-16 code units, exactly like JavaScript string indices.
  function renderEntities(text, entities) {
    const sorted = entities
      .filter((entity) => entity.length > 0)
      .slice()
      .sort((a, b) => a.offset - b.offset || b.length - a.length);
    const fragment = document.createDocumentFragment();
    build(fragment, text, sorted, 0, text.length, false);
    return fragment;
  }

  function build(parent, text, entities, start, end, inLink) {
    let position = start;
    let index = 0;
    while (index < entities.length) {
      const entity = entities[index];
      const entityStart = Math.max(entity.offset, start);
      const entityEnd = Math.min(entity.offset + entity.length, end);
      // Entities nested inside this one are rendered by the recursive call.
      const inner = [];
      let next = index + 1;
      while (next < entities.length && entities[next].offset < entity.offset + entity.length) {
        inner.push(entities[next]);
        next += 1;
      }
      index = next;
      if (entityStart < position || entityEnd <= entityStart) continue; // overlaps: keep plain
      appendPlain(parent, text.slice(position, entityStart), inLink);
      const node = entityNode(entity, text.slice(entityStart, entityEnd), inLink);
      const linkInside = inLink || node.tagName === "A";
      build(node, text, inner, entityStart, entityEnd, linkInside || node.tagName === "CODE" || node.tagName === "PRE");
      parent.append(node);
      position = entityEnd;
    }
    appendPlain(parent, text.slice(position, end), inLink);
  }

  function entityNode(entity, content, inLink) {
    switch (entity.type) {
      case "bold":
        return document.createElement("strong");
      case "italic":
        return document.createElement("em");
      case "underline":
        return document.createElement("u");
      case "strikethrough":
        return document.createElement("s");
      case "code":
        return document.createElement("code");
      case "pre":
        return document.createElement("pre");
      case "blockquote":
      case "expandable_blockquote":
        return document.createElement("blockquote");
      case "spoiler": {
        const span = document.createElement("span");
        span.className = "spoiler";
        span.tabIndex = 0;
        span.setAttribute("role", "button");
        span.setAttribute("aria-label", "Verborgen tekst, tik om te tonen");
        const reveal = () => {
          span.classList.add("revealed");
          span.removeAttribute("role");
          span.removeAttribute("aria-label");
          span.removeAttribute("tabindex");
        };
        span.addEventListener("click", reveal);
        span.addEventListener("keydown", (event) => {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            reveal();
          }
        });
        return span;
      }
      case "text_link":
      case "url": {
        const href = safeUrl(entity.type === "url" ? content : entity.url);
        if (!href || inLink) return document.createElement("span");
        const start = deepLinkStart(href);
        return start ? deepLink(href, start) : linkTo(href);
      }
      case "email": {
        return inLink ? document.createElement("span") : linkTo("mailto:" + content);
      }
      default:
        return document.createElement("span");
    }
  }

  // A /command in the bot's text: a button that sends it. Commands and links are Latin script,
  // so they are isolated left-to-right inside Arabic text.
  function commandButton(text) {
    const node = document.createElement("button");
    node.type = "button";
    node.className = "command-link";
    node.dir = "ltr";
    node.addEventListener("click", () => submitText(text));
    return node;
  }

  // A deep link to this bot stays a link (it wraps like text, and opens t.me in a new tab with
  // a middle click), but a normal click sends `/start <parameter>` here, as Telegram would.
  function deepLink(href, start) {
    const link = linkTo(href);
    link.className = "deep-link";
    link.title = "Opent deze link hier in de speeltuin";
    link.addEventListener("click", (event) => {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      submitText(start);
    });
    return link;
  }

  // A t.me link to this bot with a start parameter: Telegram would open the bot and send
  // `/start <parameter>`, so the playground does the same instead of leaving for t.me.
  function deepLinkStart(href) {
    if (!config || !config.bot || !config.bot.username) return null;
    let url;
    try {
      url = new URL(href);
    } catch (_) {
      return null;
    }
    if (!["t.me", "www.t.me", "telegram.me"].includes(url.hostname)) return null;
    if (url.pathname.replace(/\//g, "").toLowerCase() !== config.bot.username.toLowerCase()) return null;
    const parameter = url.searchParams.get("start");
    return parameter && /^[A-Za-z0-9_-]{1,64}$/.test(parameter) ? "/start " + parameter : null;
  }

  function linkTo(href) {
    const link = document.createElement("a");
    link.href = href;
    link.dir = "auto";
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    return link;
  }

  function safeUrl(raw) {
    if (!raw) return null;
    let candidate = String(raw).trim();
    if (/^www\./i.test(candidate)) candidate = "https://" + candidate;
    try {
      const url = new URL(candidate);
      return SAFE_SCHEMES.includes(url.protocol) ? url.href : null;
    } catch (_) {
      return null;
    }
  }

  // Like Telegram: bare links open, and /commands in the bot's text can be tapped to send them.
  const AUTO = /(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'’])|((?:^|[\s(])(\/[a-z][a-z0-9_]{1,31})(?=$|[\s.,;:!?)]))/gi;

  function appendPlain(parent, text, inLink) {
    if (!text) return;
    if (inLink) {
      parent.append(document.createTextNode(text));
      return;
    }
    let position = 0;
    AUTO.lastIndex = 0;
    let match;
    while ((match = AUTO.exec(text)) !== null) {
      let start = match.index;
      let token;
      let node;
      if (match[1]) {
        token = match[1];
        const href = safeUrl(token);
        if (!href) continue;
        const deepStart = deepLinkStart(href);
        node = deepStart ? deepLink(href, deepStart) : linkTo(href);
        node.textContent = token;
      } else {
        token = match[3];
        start = match.index + match[2].length - token.length;
        node = commandButton(token);
        node.textContent = token;
      }
      parent.append(document.createTextNode(text.slice(position, start)));
      parent.append(node);
      position = start + token.length;
    }
    parent.append(document.createTextNode(text.slice(position)));
  }

  // --- composer, menu, toasts --------------------------------------------------------------------

  function setComposerEnabled(enabled) {
    el.input.disabled = !enabled;
    el.send.disabled = !enabled;
    el.menuButton.disabled = !enabled || !config || !config.commands.length;
  }

  async function submitText(raw) {
    const text = raw.trim();
    if (!text || !session) return;
    closeMenu(false);
    try {
      await sendText(text);
    } catch (_) {
      setStatus("niet verstuurd – is de speeltuin nog aan?", true);
      return false;
    }
    return true;
  }

  function autoGrow() {
    el.input.style.height = "auto";
    el.input.style.height = Math.min(el.input.scrollHeight, 160) + "px";
  }

  function renderCommands() {
    el.commandList.replaceChildren();
    for (const command of config.commands) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "command";
      const name = document.createElement("span");
      name.className = "command-name";
      name.textContent = "/" + command.command;
      const description = document.createElement("span");
      description.className = "command-description";
      description.textContent = command.description || "";
      button.append(name, description);
      button.addEventListener("click", () => {
        submitText("/" + command.command);
        el.input.focus();
      });
      item.append(button);
      el.commandList.append(item);
    }
  }

  function openMenu() {
    el.menu.hidden = false;
    el.menuButton.setAttribute("aria-expanded", "true");
    const first = el.commandList.querySelector("button");
    if (first) first.focus();
  }

  function closeMenu(returnFocus) {
    if (el.menu.hidden) return;
    el.menu.hidden = true;
    el.menuButton.setAttribute("aria-expanded", "false");
    if (returnFocus) el.menuButton.focus();
  }

  function showToast(text, alert) {
    el.toast.textContent = text;
    el.toast.classList.toggle("alert", Boolean(alert));
    el.toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      el.toast.hidden = true;
    }, alert ? 8000 : 4000);
  }

  // --- start-up ----------------------------------------------------------------------------------

  function wire() {
    el.composer.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = el.input.value;
      if (!text.trim()) return;
      el.input.value = "";
      autoGrow();
      const sent = await submitText(text);
      if (sent === false) el.input.value = text;
    });
    el.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        el.composer.requestSubmit();
      }
    });
    el.input.addEventListener("input", () => {
      parked = false;
      autoGrow();
    });
    el.menuButton.addEventListener("click", () => {
      if (el.menu.hidden) openMenu();
      else closeMenu(true);
    });
    el.menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape") closeMenu(true);
    });
    el.language.value = store.language || "nl";
    el.language.addEventListener("change", () => {
      store.language = el.language.value;
      saveStore();
    });
    el.newUser.addEventListener("click", newUser);
    el.toast.addEventListener("click", () => {
      el.toast.hidden = true;
    });
  }

  async function loadConfig() {
    for (;;) {
      try {
        const result = await getJson("/_play/config");
        if (result.body && result.body.ok) return result.body;
      } catch (_) {
        /* the server is still starting */
      }
      setStatus("wachten op de speeltuin…", true);
      await sleep(RETRY_DELAY);
    }
  }

  async function main() {
    el.extra.open = WIDE.matches; // on a phone the chat gets the room
    wire();
    config = await loadConfig();
    el.werkgroep.textContent = config.werkgroep;
    setStatus("kies een rol", false);
    renderRoles();
    renderWebLinks();
    renderCommands();
    const params = new URLSearchParams(location.search);
    const wanted = params.get("rol") || store.role;
    if (wanted && roleOf(wanted)) selectRole(wanted, { keepFocus: true });
  }

  main();
})();
