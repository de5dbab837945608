// The app's surfaces beside messages: a message's ⋯ menu (the app's message shortcuts, from its manifest) and the
// app's Home / Messages tabs on its DM. Each action is the sandbox's own (ui_surfaces.py): a shortcut is a signed
// `message_action` (the bot's modal then shows through modal.js), a tab opened is `app_home_opened`, a click in
// the Home tab is `block_actions` from a `view` container; the Home tab shows the view the bot published.
"use strict";

(function () {
  const R = window.SlackRender;
  const esc = R.esc;
  const $ = (sel) => document.querySelector(sel);

  const surfaces = {
    app: null, // app.js's { ui, api, toast, paint, render }
    tab: "messages", // the app DM's tab on screen
  };

  // ---- the ⋯ menu -------------------------------------------------------------------------------------------

  function closeMenu() {
    const menu = $("#msg-menu");
    menu.hidden = true;
    menu.innerHTML = "";
  }

  function openMenu(button) {
    const state = surfaces.app.ui.state;
    const menu = $("#msg-menu");
    const shortcuts = state.workspace.shortcuts || [];
    const items = shortcuts
      .map(
        (s) =>
          `<button type="button" role="menuitem" class="menu-item" data-shortcut="${esc(s.callback_id)}" ` +
          `data-ts="${esc(button.dataset.more)}"><span class="menu-name">${esc(s.name)}</span>` +
          `<small class="muted">${esc(s.description || "")}</small></button>`
      )
      .join("");
    menu.innerHTML =
      `<div class="menu-title">${esc(state.workspace.bot_name)} <span class="app-tag">APP</span></div>` +
      (items || '<div class="muted small menu-empty">The app has no message shortcuts.</div>');
    menu.hidden = false;
    // Beside the button, kept on screen (CSSOM positions are allowed by the page's CSP; style attributes are not).
    const box = button.getBoundingClientRect();
    const width = menu.offsetWidth;
    menu.style.left = `${Math.max(8, Math.min(box.right - width, window.innerWidth - width - 8))}px`;
    menu.style.top = `${Math.min(box.bottom + 4, window.innerHeight - menu.offsetHeight - 8)}px`;
  }

  async function runShortcut(item) {
    const { ui, api, toast } = surfaces.app;
    closeMenu();
    try {
      const reply = await api("shortcut", { channel: ui.channel, message_ts: item.dataset.ts, callback_id: item.dataset.shortcut });
      if (!reply.delivered) toast(`The app did not respond to the shortcut (${reply.error || "HTTP " + reply.status}).`, "error");
    } catch (error) {
      toast(`Shortcut failed: ${error.message}`, "error");
    }
  }

  // ---- the app's Home / Messages tabs ----------------------------------------------------------------------

  async function openTab(tab) {
    const { api, toast } = surfaces.app;
    surfaces.tab = tab;
    surfaces.app.render();
    try {
      const reply = await api("open_tab", { tab });
      if (!reply.delivered && reply.error !== "not_subscribed") toast(`The app did not get app_home_opened (${reply.error || "HTTP " + reply.status}).`, "error");
    } catch (error) {
      toast(error.message, "error");
    }
  }

  // The person went to a conversation: the app's DM opens on its Messages tab, which Slack tells the app.
  function conversationOpened(channel) {
    if (channel && channel.is_im) openTab("messages");
    else surfaces.tab = "messages";
  }

  async function homeAction(actionId, value) {
    const { api, toast } = surfaces.app;
    try {
      const reply = await api("home_click", { action_id: actionId, value });
      if (!reply.delivered) toast(`The app did not respond to the click (${reply.error || "HTTP " + reply.status}).`, "error");
    } catch (error) {
      toast(`Click failed: ${error.message}`, "error");
    }
  }

  function render(state, ctx, channel) {
    const onDm = Boolean(channel && channel.is_im);
    const home = onDm && surfaces.tab === "home";
    $("#app-tabs").hidden = !onDm;
    for (const button of document.querySelectorAll("#app-tabs [data-tab]")) {
      button.classList.toggle("active", button.dataset.tab === (home ? "home" : "messages"));
      button.setAttribute("aria-selected", String(button.dataset.tab === (home ? "home" : "messages")));
    }
    $("#home").hidden = !home;
    $("#messages").hidden = home;
    $("#composer").hidden = home;
    document.body.classList.toggle("on-home", home);
    if (!home) return;
    const html = state.home
      ? `<div class="home-view">${R.blocks(state.home.blocks, ctx)}</div>`
      : '<div class="welcome muted">Opening the app\'s Home…</div>';
    surfaces.app.paint($("#home"), html);
  }

  function init(app) {
    surfaces.app = app;
    document.addEventListener("click", (event) => {
      const more = event.target.closest("button[data-more]");
      const item = event.target.closest("button[data-shortcut]");
      if (more) {
        event.preventDefault();
        openMenu(more);
      } else if (item) {
        runShortcut(item);
      } else if (!event.target.closest("#msg-menu")) {
        closeMenu();
      }
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") closeMenu();
    });
    $("#app-tabs").addEventListener("click", (event) => {
      const tab = event.target.closest("button[data-tab]");
      if (tab && tab.dataset.tab !== surfaces.tab) openTab(tab.dataset.tab);
    });
    $("#home").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action-id]");
      if (button) homeAction(button.dataset.actionId, button.dataset.value || null);
    });
  }

  function reset() {
    surfaces.tab = "messages";
    closeMenu();
  }

  window.SandboxSurfaces = { init, render, reset, conversationOpened };
})();
