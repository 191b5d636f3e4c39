"""What is on the screen, in words: text near a point, all visible text, and masking.

A browser answers from the DOM (exact and cheap); any other environment answers by OCR of the
screenshot. The policy reads text near a click's target, ``text_visible`` checks read the whole
screen, and password fields are masked in browser screenshots before a model or a file sees them.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from environments import Browser, Environment, Observation

from .ocr import ocr_text, text_near_point

__all__ = ["element_at", "mask_sensitive_fields", "screens_match", "text_near", "visible_text"]

_TEXT_AT_POINT_JS = """
([x, y, radius]) => {
  const seen = new Set(), parts = [];
  const add = el => {
    if (!el || seen.has(el)) return; seen.add(el);
    const label = el.getAttribute && (el.getAttribute('aria-label') || el.getAttribute('title'));
    const text = (el.innerText || el.value || el.placeholder || '').trim();
    if (label) parts.push(label);
    if (text && text.length < 200) parts.push(text);
  };
  for (const [dx, dy] of [[0, 0], [-radius, 0], [radius, 0], [0, -radius], [0, radius]]) {
    let el = document.elementFromPoint(x + dx, y + dy);
    if (!el) continue;
    const target = el.closest('button, a, [role=button], [role=link], [role=menuitem], input, label, td, li') || el;
    add(target);
    if (target.labels) for (const l of target.labels) add(l);
  }
  return parts.join(' | ');
}
"""

_SENSITIVE_RECTS_JS = """
(values) => {
  const rects = [];
  for (const el of document.querySelectorAll('input, textarea')) {
    const v = el.value || '';
    const sensitive = el.type === 'password' || values.some(s => s && v.includes(s));
    if (!sensitive) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) rects.push([r.left, r.top, r.right, r.bottom]);
  }
  return rects;
}
"""


_ELEMENT_AT_JS = """
([x, y]) => {
  const hit = document.elementFromPoint(x, y);
  if (!hit) return null;
  const el = hit.closest('button, a[href], input, select, textarea, summary, [role], label') || hit;
  const tag = el.tagName.toLowerCase();
  const type = (el.getAttribute('type') || '').toLowerCase();
  const implicit = {a: 'link', button: 'button', select: 'combobox', textarea: 'textbox', summary: 'button',
                    h1: 'heading', h2: 'heading', h3: 'heading', img: 'img', li: 'listitem', td: 'cell'};
  let role = el.getAttribute('role') || implicit[tag] || null;
  if (tag === 'input') role = {checkbox: 'checkbox', radio: 'radio', button: 'button', submit: 'button',
                               range: 'slider', password: null}[type] ?? 'textbox';
  const clean = s => (s || '').replace(/\\s+/g, ' ').trim();
  let name = el.getAttribute('aria-label');
  if (!name && el.labels && el.labels.length) name = el.labels[0].innerText;
  if (!name && ['button', 'a', 'summary'].includes(tag)) name = el.innerText;
  if (!name) name = el.getAttribute('placeholder') || el.getAttribute('title') || (tag === 'input' ? '' : el.innerText);
  const unique = sel => { try { return document.querySelectorAll(sel).length === 1; } catch (e) { return false; } };
  let selector = null;
  if (el.id && unique('#' + CSS.escape(el.id))) selector = '#' + CSS.escape(el.id);
  for (const attr of ['data-testid', 'data-test', 'name']) {
    const v = el.getAttribute(attr);
    const sel = `${tag}[${attr}="${CSS.escape(v || '')}"]`;
    if (!selector && v && unique(sel)) selector = sel;
  }
  if (!selector) {
    const parts = [];
    for (let node = el; node && node.nodeType === 1 && node !== document.documentElement; node = node.parentElement) {
      if (node.id) { parts.unshift('#' + CSS.escape(node.id)); break; }
      const same = Array.from(node.parentElement ? node.parentElement.children : []).filter(c => c.tagName === node.tagName);
      parts.unshift(node.tagName.toLowerCase() + (same.length > 1 ? `:nth-of-type(${same.indexOf(node) + 1})` : ''));
    }
    selector = parts.join(' > ');
  }
  const r = el.getBoundingClientRect();
  return {role, name: clean(name).slice(0, 120) || null, selector, tag,
          text: clean(el.innerText || el.value || '').slice(0, 120) || null, box: [r.left, r.top, r.right, r.bottom]};
}
"""


async def element_at(env: Environment, x: int, y: int) -> dict[str, object] | None:
    """The element under a point, with a role, an accessible name and a unique selector (browser only)."""
    if not isinstance(env, Browser):
        return None
    return await env.page.evaluate(_ELEMENT_AT_JS, [x, y])


async def text_near(env: Environment, observation: Observation, x: int, y: int, radius: int = 60) -> str:
    """Text at and around a screen point: the element's own text in a browser, OCR elsewhere."""
    if isinstance(env, Browser):
        return str(await env.page.evaluate(_TEXT_AT_POINT_JS, [x, y, radius]))
    label, _ = await text_near_point(observation.image, (x, y))
    box = (max(0, x - radius * 2), max(0, y - radius), min(observation.width, x + radius * 2),
           min(observation.height, y + radius))
    around = await ocr_text(observation.image.crop(box))
    return " | ".join(t for t in (label, around) if t)


async def visible_text(env: Environment, observation: Observation) -> str:
    """All text on screen: ``innerText`` of the page in a browser, OCR of the screenshot elsewhere."""
    if isinstance(env, Browser):
        return str(await env.page.evaluate("document.body ? document.body.innerText : ''"))
    return await ocr_text(observation.image, scale=1)


async def mask_sensitive_fields(env: Environment, observation: Observation, values: list[str]) -> Observation:
    """Black out password fields, and fields holding a secret's value, in a browser screenshot.

    On other environments the screen cannot be read reliably enough to mask; there the secrets
    stay out of every text record, and fields should be of the password kind.
    """
    if not isinstance(env, Browser):
        return observation
    rects = await env.page.evaluate(_SENSITIVE_RECTS_JS, values)
    if not rects:
        return observation
    image: Image.Image = observation.image.copy()
    draw = ImageDraw.Draw(image)
    for left, top, right, bottom in rects:
        draw.rectangle((left, top, right, bottom), fill=(40, 40, 40))
        draw.text((left + 4, top + 2), "masked", fill=(220, 220, 220))
    return observation.model_copy(update={"image": image})


def screens_match(a: Observation, b: Observation, tolerance: float = 0.0005) -> bool:
    """The same screen, give or take a blinking caret: at most ``tolerance`` of pixels differ."""
    if a.digest == b.digest:
        return True
    if a.image.size != b.image.size:
        return False
    left = np.asarray(a.image.convert("L"), dtype=np.int16)
    right = np.asarray(b.image.convert("L"), dtype=np.int16)
    differing = np.count_nonzero(np.abs(left - right) > 24)
    return differing <= tolerance * left.size
