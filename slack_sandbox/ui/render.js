// Slack markup to HTML for the sandbox UI: mrkdwn, Markdown (markdown blocks and streamed text), Block Kit.
// Everything that came from a message is escaped; links keep only http(s) and mailto URLs.
"use strict";

(function () {
  const EMOJI = {
    "+1": "👍", thumbsup: "👍", "-1": "👎", thumbsdown: "👎", eyes: "👀", warning: "⚠️",
    white_check_mark: "✅", heavy_check_mark: "✔️", x: "❌", no_entry: "⛔", no_entry_sign: "🚫",
    wave: "👋", mag: "🔍", mag_right: "🔎", hourglass: "⌛", hourglass_flowing_sand: "⏳",
    sparkles: "✨", page_facing_up: "📄", paperclip: "📎", wastebasket: "🗑️", information_source: "ℹ️",
    lock: "🔒", speech_balloon: "💬", books: "📚", bulb: "💡", memo: "📝", file_folder: "📁", link: "🔗",
    arrows_counterclockwise: "🔄", robot_face: "🤖", tada: "🎉", thinking_face: "🤔", pray: "🙏",
    slightly_smiling_face: "🙂", smile: "😄", rocket: "🚀", gear: "⚙️", bust_in_silhouette: "👤",
    busts_in_silhouette: "👥", clock3: "🕒", calendar: "📅", spiral_calendar_pad: "🗓️", key: "🔑",
    heart: "❤️", fire: "🔥", point_right: "👉", question: "❓", exclamation: "❗", ok_hand: "👌",
    raised_hands: "🙌", clipboard: "📋", inbox_tray: "📥", outbox_tray: "📤", card_index_dividers: "🗂️",
  };

  function esc(text) {
    return String(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
  }

  // Slack escapes only &, < and > in message text.
  function unslack(text) {
    return String(text).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function safeUrl(url) {
    const trimmed = String(url).trim();
    return /^(https?:|mailto:)/i.test(trimmed) ? trimmed : null;
  }

  function link(url, labelHtml) {
    const safe = safeUrl(url);
    if (!safe) return labelHtml;
    return `<a href="${esc(safe)}" target="_blank" rel="noopener noreferrer">${labelHtml}</a>`;
  }

  function emoji(html) {
    return html.replace(/:([a-z0-9_+\-]+):/g, (whole, name) => (EMOJI[name] ? EMOJI[name] : whole));
  }

  // Placeholders keep already-rendered HTML out of later regex passes.
  function stash() {
    const saved = [];
    return {
      put(html) {
        saved.push(html);
        return `\u0001${saved.length - 1}\u0002`;
      },
      restore(text) {
        return text.replace(/\u0001(\d+)\u0002/g, (_, i) => saved[Number(i)]);
      },
    };
  }

  function userName(ctx, id) {
    const user = (ctx && ctx.users && ctx.users[id]) || null;
    return user ? user.name : id;
  }

  function entity(ctx, inner) {
    const bar = inner.indexOf("|");
    const target = bar >= 0 ? inner.slice(0, bar) : inner;
    const label = bar >= 0 ? inner.slice(bar + 1) : "";
    if (target.startsWith("@")) {
      const id = target.slice(1);
      const me = ctx && ctx.me === id ? " mention-me" : "";
      return `<span class="mention${me}">@${esc(label || userName(ctx, id))}</span>`;
    }
    if (target.startsWith("#")) {
      const channel = (ctx && ctx.channels && ctx.channels[target.slice(1)]) || null;
      return `<span class="mention">#${esc(label || (channel && channel.name) || target.slice(1))}</span>`;
    }
    if (target.startsWith("!")) {
      const name = target.slice(1).split("^")[0];
      if (name === "date") return esc(unslack(label));
      return `<span class="mention">@${esc(unslack(label || name))}</span>`;
    }
    const url = unslack(target);
    return link(url, esc(unslack(label || url)));
  }

  function inlineMrkdwn(text, ctx, store) {
    let out = text.replace(/`([^`\n]+)`/g, (_, code) => store.put(`<code>${esc(unslack(code))}</code>`));
    out = out.replace(/<([^<>\n]+)>/g, (_, inner) => store.put(entity(ctx, inner)));
    out = esc(unslack(out));
    out = out.replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/g, "$1<b>$2</b>");
    out = out.replace(/(^|[^\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])/g, "$1<i>$2</i>");
    out = out.replace(/(^|[^\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])/g, "$1<s>$2</s>");
    return emoji(out);
  }

  // Slack's mrkdwn: *bold* _italic_ ~strike~ `code` ```pre``` > quote, <url|label>, <@U…>, :emoji:.
  function mrkdwn(text, ctx) {
    const store = stash();
    const parts = String(text || "").split("```");
    const html = parts.map((part, i) => {
      if (i % 2 === 1) return store.put(`<pre>${esc(unslack(part.replace(/^\n/, "").replace(/\n$/, "")))}</pre>`);
      const text = i > 0 ? part.replace(/^\n/, "") : part; // the line break after a closing ``` is the block's
      const lines = text.split("\n").map((line) => {
        const quote = /^&gt;\s?/.exec(line);
        const body = inlineMrkdwn(quote ? line.slice(quote[0].length) : line, ctx, store);
        return quote ? `<span class="quote">${body}</span>` : body;
      });
      return lines.join("<br>");
    });
    return store.restore(html.join(""));
  }

  // ---- Markdown (CommonMark-ish, as Glean writes it and Slack's markdown block shows it) ----------------

  function inlineMarkdown(text, store) {
    let out = text.replace(/`([^`\n]+)`/g, (_, code) => store.put(`<code>${esc(code)}</code>`));
    out = out.replace(/\[((?:\[[^\]\n]*\]|[^\[\]\n])+)\]\(([^()\s]+(?:\([^()\s]*\))?[^()\s]*)\)/g, (_, label, url) =>
      store.put(link(url, inlineMarkdown(label, store)))
    );
    out = out.replace(/<(https?:\/\/[^\s<>]+)>/g, (_, url) => store.put(link(url, esc(url))));
    out = esc(out);
    out = out.replace(/\*\*(?=\S)(.*?\S)\*\*|__(?=\S)(.*?\S)__/g, (_, a, b) => `<b>${a || b}</b>`);
    out = out.replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/g, "$1<i>$2</i>");
    out = out.replace(/(^|[^\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])/g, "$1<i>$2</i>");
    out = out.replace(/~~(?=\S)(.*?\S)~~/g, "<s>$1</s>");
    return emoji(out);
  }

  function tableRow(line) {
    return line.replace(/^\s*\|/, "").replace(/\|\s*$/, "").split("|").map((c) => c.trim());
  }

  function markdown(text) {
    const store = stash();
    const lines = String(text || "").split("\n");
    const out = [];
    let list = null; // "ul" | "ol"
    let para = [];
    const flushPara = () => {
      if (para.length) out.push(`<p>${para.map((l) => inlineMarkdown(l, store)).join("<br>")}</p>`);
      para = [];
    };
    const closeList = () => {
      if (list) out.push(`</${list}>`);
      list = null;
    };
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (/^\s*```/.test(line)) {
        flushPara();
        closeList();
        const code = [];
        i++;
        while (i < lines.length && !/^\s*```/.test(lines[i])) code.push(lines[i++]);
        out.push(`<pre>${esc(code.join("\n"))}</pre>`);
        continue;
      }
      const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
      const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
      const numbered = /^(\s*)(\d{1,3})[.)]\s+(.*)$/.exec(line);
      const quote = /^\s*>\s?(.*)$/.exec(line);
      if (!line.trim()) {
        flushPara();
        closeList();
      } else if (heading) {
        flushPara();
        closeList();
        out.push(`<div class="md-h md-h${heading[1].length}">${inlineMarkdown(heading[2], store)}</div>`);
      } else if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
        flushPara();
        closeList();
        out.push("<hr>");
      } else if (bullet || numbered) {
        flushPara();
        const kind = bullet ? "ul" : "ol";
        if (list !== kind) {
          closeList();
          out.push(kind === "ol" ? `<ol start="${Number(numbered[2])}">` : "<ul>");
          list = kind;
        }
        const indent = (bullet || numbered)[1].length >= 2 ? ' class="nested"' : "";
        out.push(`<li${indent}>${inlineMarkdown(bullet ? bullet[2] : numbered[3], store)}</li>`);
      } else if (quote) {
        flushPara();
        closeList();
        out.push(`<blockquote>${inlineMarkdown(quote[1], store)}</blockquote>`);
      } else if (/^\s*\|.*\|\s*$/.test(line) && i + 1 < lines.length && /^\s*\|?[\s:|-]+\|?\s*$/.test(lines[i + 1])) {
        flushPara();
        closeList();
        const head = tableRow(line);
        i += 1;
        const rows = [];
        while (i + 1 < lines.length && /^\s*\|.*\|\s*$/.test(lines[i + 1])) rows.push(tableRow(lines[++i]));
        const cells = (row, tag) => row.map((c) => `<${tag}>${inlineMarkdown(c, store)}</${tag}>`).join("");
        out.push(
          `<table><thead><tr>${cells(head, "th")}</tr></thead><tbody>` +
            rows.map((r) => `<tr>${cells(r, "td")}</tr>`).join("") +
            "</tbody></table>"
        );
      } else {
        closeList();
        para.push(line);
      }
    }
    flushPara();
    closeList();
    return store.restore(out.join(""));
  }

  // ---- Block Kit ----------------------------------------------------------------------------------------

  function textObject(obj, ctx) {
    if (!obj || typeof obj !== "object") return "";
    if (obj.type === "mrkdwn") return mrkdwn(obj.text, ctx);
    return emoji(esc(obj.text || ""));
  }

  function button(element, ctx, extra) {
    const style = element.style ? ` btn-${esc(element.style)}` : "";
    const value = extra && extra.value !== undefined ? extra.value : element.value;
    const label = extra && extra.label !== undefined ? extra.label : textObject(element.text, ctx);
    const title = extra && extra.title ? ` title="${esc(extra.title)}" aria-label="${esc(extra.title)}"` : "";
    return (
      `<button type="button" class="btn${style}${extra && extra.cls ? " " + extra.cls : ""}"${title}` +
      ` data-action-id="${esc(element.action_id || "")}" data-value="${esc(value === undefined ? "" : value)}">` +
      `${label}</button>`
    );
  }

  function element(el, ctx) {
    if (!el || typeof el !== "object") return "";
    switch (el.type) {
      case "button":
        return button(el, ctx);
      case "feedback_buttons":
        return (
          button(el, ctx, { value: el.positive_button.value, label: "👍", title: el.positive_button.text.text, cls: "btn-icon" }) +
          button(el, ctx, { value: el.negative_button.value, label: "👎", title: el.negative_button.text.text, cls: "btn-icon" })
        );
      case "icon_button":
        return button(el, ctx, { label: esc(el.text ? el.text.text : el.icon || "•"), cls: "btn-icon" });
      case "static_select":
      case "overflow": {
        const options = (el.options || [])
          .map((o) => `<option value="${esc(o.value)}">${esc(o.text ? o.text.text : o.value)}</option>`)
          .join("");
        return `<select class="select" data-action-id="${esc(el.action_id || "")}"><option value="">${esc(
          el.placeholder ? el.placeholder.text : "Choose…"
        )}</option>${options}</select>`;
      }
      case "image":
        return `<span class="img-alt" title="${esc(el.alt_text || "")}">🖼</span>`;
      case "mrkdwn":
      case "plain_text":
        return `<span>${textObject(el, ctx)}</span>`;
      default:
        return `<span class="unsupported">[${esc(el.type)}]</span>`;
    }
  }

  function richElements(elements, ctx) {
    return (elements || [])
      .map((el) => {
        let html;
        if (el.type === "text") html = emoji(esc(el.text)).replace(/\n/g, "<br>");
        else if (el.type === "link") html = link(el.url, esc(el.text || el.url));
        else if (el.type === "user") html = entity(ctx, "@" + el.user_id);
        else if (el.type === "channel") html = entity(ctx, "#" + el.channel_id);
        else if (el.type === "emoji") html = EMOJI[el.name] || `:${esc(el.name)}:`;
        else if (el.type === "broadcast") html = `<span class="mention">@${esc(el.range)}</span>`;
        else html = "";
        const style = el.style || {};
        if (style.code) html = `<code>${html}</code>`;
        if (style.bold) html = `<b>${html}</b>`;
        if (style.italic) html = `<i>${html}</i>`;
        if (style.strike) html = `<s>${html}</s>`;
        return html;
      })
      .join("");
  }

  function richText(block, ctx) {
    return (block.elements || [])
      .map((part) => {
        if (part.type === "rich_text_section") return `<div>${richElements(part.elements, ctx)}</div>`;
        if (part.type === "rich_text_preformatted") return `<pre>${richElements(part.elements, ctx)}</pre>`;
        if (part.type === "rich_text_quote") return `<blockquote>${richElements(part.elements, ctx)}</blockquote>`;
        if (part.type === "rich_text_list") {
          const tag = part.style === "ordered" ? "ol" : "ul";
          const items = (part.elements || []).map((s) => `<li>${richElements(s.elements, ctx)}</li>`).join("");
          return `<${tag}>${items}</${tag}>`;
        }
        return "";
      })
      .join("");
  }

  function block(b, ctx) {
    const id = ` data-block-id="${esc(b.block_id || "")}"`;
    switch (b.type) {
      case "section": {
        const fields = (b.fields || []).map((f) => `<div class="field">${textObject(f, ctx)}</div>`).join("");
        const accessory = b.accessory ? `<div class="accessory">${element(b.accessory, ctx)}</div>` : "";
        return (
          `<div class="block block-section"${id}><div class="section-body">${textObject(b.text, ctx)}` +
          `${fields ? `<div class="fields">${fields}</div>` : ""}</div>${accessory}</div>`
        );
      }
      case "markdown":
        return `<div class="block block-markdown md"${id}>${markdown(b.text)}</div>`;
      case "header":
        return `<div class="block block-header"${id}>${textObject(b.text, ctx)}</div>`;
      case "divider":
        return `<hr class="block block-divider"${id}>`;
      case "context":
        return `<div class="block block-context"${id}>${(b.elements || []).map((e) => element(e, ctx)).join(" ")}</div>`;
      case "actions":
      case "context_actions":
        return `<div class="block block-actions"${id}>${(b.elements || []).map((e) => element(e, ctx)).join("")}</div>`;
      case "rich_text":
        return `<div class="block block-rich"${id}>${richText(b, ctx)}</div>`;
      case "image":
        return `<div class="block block-image"${id}>🖼 ${esc(b.alt_text || "image")}</div>`;
      default:
        return `<div class="block unsupported"${id}>[${esc(b.type)} block]</div>`;
    }
  }

  function blocks(list, ctx) {
    return (list || []).map((b) => block(b, ctx)).join("");
  }

  window.SlackRender = { esc, mrkdwn, markdown, blocks, emoji, EMOJI };
})();
