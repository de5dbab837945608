// A modal the bot opened (views.open), drawn over the page: its inputs, Send (a view_submission) and Cancel.
"use strict";

(function () {
  const esc = window.SlackRender.esc;
  let shown = ""; // the drawn modal's id and errors: redrawn only when they change, so typing is kept
  let me = "";

  async function post(route, payload) {
    const response = await fetch(`/_ui/${route}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ user: me, ...payload }),
    });
    const reply = await response.json().catch(() => ({ ok: false, error: `HTTP ${response.status}` }));
    if (!reply.ok) throw new Error(reply.error || "request_failed");
    return reply;
  }

  function text(obj) {
    return obj && typeof obj.text === "string" ? esc(obj.text) : "";
  }

  function input(block, errors) {
    const el = block.element || {};
    const id = esc(el.action_id || "");
    let control = "";
    if (el.type === "plain_text_input") {
      const max = el.max_length ? ` maxlength="${Number(el.max_length)}"` : "";
      control = el.multiline
        ? `<textarea class="modal-text" data-input="${id}" rows="3"${max}></textarea>`
        : `<input class="modal-text" data-input="${id}"${max}>`;
    } else if (el.type === "radio_buttons" || el.type === "checkboxes") {
      control = (el.options || [])
        .map(
          (o) =>
            `<label class="modal-option"><input type="radio" name="${id}" data-input="${id}" value="${esc(
              o.value
            )}"> ${text(o.text)}</label>`
        )
        .join("");
    }
    const key = block.block_id || el.action_id;
    const error = errors[key] ? `<div class="modal-error" role="alert">${esc(errors[key])}</div>` : "";
    const optional = block.optional ? ' <span class="muted small">(optional)</span>' : "";
    return `<fieldset class="modal-input" data-block="${esc(key || "")}"><legend>${text(block.label)}${optional}</legend>${control}${error}</fieldset>`;
  }

  function answers(root) {
    const out = {};
    for (const el of root.querySelectorAll("[data-input]")) {
      const id = el.dataset.input;
      if (el.type === "radio") {
        if (el.checked) out[id] = el.value;
        else if (!(id in out)) out[id] = null;
      } else {
        out[id] = el.value || null;
      }
    }
    return out;
  }

  function render(state) {
    const root = document.getElementById("modal");
    me = state.me;
    const open = (state.views || [])[0];
    const key = open ? `${open.view.id}:${JSON.stringify(open.errors)}` : "";
    if (key === shown) return;
    shown = key;
    if (!open) {
      root.hidden = true;
      root.innerHTML = "";
      return;
    }
    const view = open.view;
    const body = (view.blocks || [])
      .map((b) => (b.type === "input" ? input(b, open.errors) : b.text ? `<p>${text(b.text)}</p>` : ""))
      .join("");
    root.innerHTML =
      `<div class="modal-card" role="dialog" aria-modal="true" aria-label="${text(view.title)}">` +
      `<div class="modal-head"><b>${text(view.title)}</b></div>` +
      `<div class="modal-body">${body}</div>` +
      `<div class="modal-foot"><span class="modal-status muted small"></span>` +
      `<button type="button" class="btn modal-cancel">${text(view.close) || "Cancel"}</button>` +
      (view.submit ? `<button type="button" class="send modal-submit">${text(view.submit)}</button>` : "") +
      `</div></div>`;
    root.hidden = false;
    const status = root.querySelector(".modal-status");
    root.querySelector(".modal-cancel").addEventListener("click", () => {
      post("close_view", { view_id: view.id }).catch((e) => (status.textContent = e.message));
    });
    const submit = root.querySelector(".modal-submit");
    if (submit)
      submit.addEventListener("click", async () => {
        status.textContent = "";
        try {
          const reply = await post("submit_view", { view_id: view.id, answers: answers(root) });
          if (!reply.delivered) status.textContent = "The app did not respond.";
        } catch (error) {
          status.textContent = error.message; // e.g. a required choice left empty: Slack would not send it
        }
      });
  }

  window.SandboxModal = { render };
})();
