// Measured inside the page at one viewport; returns plain JSON. Read by crawler/render.py.
// Why each number: see CRITERIA.md section 1 (overflow, legible text, tap targets, adaptive layout).
(deviceWidth) => {
  // deviceWidth: the screen's width in CSS px (375 on the default phone). A page without a viewport
  // meta is laid out 980 px wide and zoomed out to fit: innerWidth says 980, the phone is still 375.
  const vw = deviceWidth || window.innerWidth, vh = window.innerHeight;
  const layoutWidth = window.innerWidth;
  const scale = window.visualViewport ? window.visualViewport.scale : 1;
  const doc = document.documentElement;
  const selectorOf = (el) => {
    const parts = [];
    for (let node = el; node && node.nodeType === 1 && parts.length < 4; node = node.parentElement) {
      let part = node.tagName.toLowerCase();
      if (node.id) { part += '#' + node.id; parts.unshift(part); break; }
      const cls = (node.getAttribute('class') || '').trim().split(/\s+/).filter(Boolean).slice(0, 2);
      if (cls.length) part += '.' + cls.join('.');
      parts.unshift(part);
      if (part === 'body') break;
    }
    return parts.join(' > ');
  };
  // Where an element is, in CSS px of the document (not of the screen), so a report can outline it on
  // the screenshot: the rectangle plus the scroll offset, rounded to whole px.
  const boxOf = (rect) => [Math.round(rect.left + window.scrollX), Math.round(rect.top + window.scrollY),
                           Math.round(rect.width), Math.round(rect.height)];
  const visible = (el, rect) => {
    if (rect.width === 0 || rect.height === 0) return false;
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && style.display !== 'none' && parseFloat(style.opacity || '1') > 0;
  };

  // Horizontal overflow: the page is wider than the screen, and which elements stick out.
  const scrollWidth = Math.max(doc.scrollWidth, document.body ? document.body.scrollWidth : 0);
  // Content inside its own scrolling or clipping box (a swipeable row of tabs) does not widen the page.
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const offenders = [];
  for (const el of document.body ? document.body.querySelectorAll('*') : []) {
    const rect = el.getBoundingClientRect();
    if (rect.right > vw + 1 && rect.width > 0 && rect.height > 0 && !clipped(el)) {
      offenders.push({selector: selectorOf(el), right: Math.round(rect.right), width: Math.round(rect.width),
                      box: boxOf(rect)});
    }
  }
  offenders.sort((a, b) => b.right - a.right || a.width - b.width);
  const before = window.scrollX;
  window.scrollTo(vw, window.scrollY);
  const scrollsSideways = window.scrollX > 0;
  window.scrollTo(before, window.scrollY);

  // Legible text: characters of visible text by the CSS px size they are drawn at.
  const histogram = {};
  let characters = 0, small = 0;
  const walker = document.createTreeWalker(document.body || doc, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue.replace(/\s+/g, '');
    if (!text) continue;
    const el = node.parentElement;
    if (!el || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName)) continue;
    const rect = el.getBoundingClientRect();
    if (!visible(el, rect)) continue;
    // The size the reader sees: CSS px times the zoom the browser applied to fit the page.
    const size = Math.round(parseFloat(getComputedStyle(el).fontSize) * scale * 10) / 10;
    histogram[size] = (histogram[size] || 0) + text.length;
    characters += text.length;
    if (size < 12) small += text.length;
  }

  // Tap targets: visible links and buttons, their size and the room around them.
  const targets = [];
  for (const el of document.querySelectorAll('a[href], button, input[type=submit], input[type=button], [role=button]')) {
    const rect = el.getBoundingClientRect();
    if (!visible(el, rect) || rect.bottom < 0 || rect.right < 0) continue;
    targets.push({el, rect});
  }
  const undersized = [], cramped = [], belowComfort = [];
  for (const {el, rect: raw} of targets) {
    // Sizes as drawn on the screen, so a zoomed-out desktop page's links count at their real size.
    const rect = {left: raw.left * scale, right: raw.right * scale, top: raw.top * scale, bottom: raw.bottom * scale,
                  width: raw.width * scale, height: raw.height * scale};
    const small24 = rect.width < 24 || rect.height < 24;
    if (rect.width < 44 || rect.height < 44) belowComfort.push(el);
    if (!small24) continue;
    // WCAG 2.2 2.5.8: an undersized target passes if a 24 px circle on its centre touches no other target.
    const cx = rect.left + rect.width / 2, cy = rect.top + rect.height / 2;
    let crowded = false;
    for (const other of targets) {
      if (other.el === el) continue;
      const r = {left: other.rect.left * scale, right: other.rect.right * scale,
                 top: other.rect.top * scale, bottom: other.rect.bottom * scale};
      const dx = Math.max(r.left - cx, 0, cx - r.right), dy = Math.max(r.top - cy, 0, cy - r.bottom);
      if (Math.hypot(dx, dy) < 12) { crowded = true; break; }
    }
    const item = {selector: selectorOf(el), width: Math.round(rect.width), height: Math.round(rect.height),
                  text: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 60), box: boxOf(raw)};
    undersized.push(item);
    if (crowded) cramped.push(item);
  }
  cramped.sort((a, b) => a.width * a.height - b.width * b.height);

  // Does the navigation adapt: links visible in the nav, and a menu toggle.
  // Older sites mark their menu with an id or class instead of <nav>: a table cell with id="nav".
  const navs = document.querySelectorAll('nav, [role=navigation], header, [id*="nav" i], [class~="nav" i], [class*="navigation" i], [id*="menu" i]');
  let navLinks = 0, navLinksVisible = 0;
  const counted = new Set();  // nested matches (a header holding a nav) count each link once
  for (const nav of navs) for (const a of nav.querySelectorAll('a[href]')) {
    if (counted.has(a)) continue;
    counted.add(a);
    navLinks += 1;
    if (visible(a, a.getBoundingClientRect())) navLinksVisible += 1;
  }
  // A toggle is a button, a link, <summary>, or the label of a hidden checkbox (the CSS-only
  // "checkbox hack": <input type=checkbox id=nav-toggle> + <label for=nav-toggle>).
  const toggle = [...document.querySelectorAll('button, [role=button], a, summary, label[for]')].find((el) => {
    if (el.tagName === 'LABEL') {
      const box = document.getElementById(el.getAttribute('for'));
      if (!box || box.type !== 'checkbox') return false;
    }
    const label = ((el.getAttribute('aria-label') || '') + ' ' + (el.innerText || '') + ' ' +
                   (el.getAttribute('class') || '') + ' ' + (el.getAttribute('aria-controls') || '') + ' ' +
                   (el.getAttribute('for') || '')).toLowerCase();
    return visible(el, el.getBoundingClientRect()) && /menu|hamburger|nav-toggle|navigation|burger/.test(label);
  });

  const wideImages = [...document.images].filter((img) => img.getBoundingClientRect().width > vw + 1)
    .map((img) => ({selector: selectorOf(img), width: Math.round(img.getBoundingClientRect().width)}));

  const perf = performance.getEntriesByType('resource');
  const nav = performance.getEntriesByType('navigation')[0];
  const bytes = perf.reduce((sum, e) => sum + (e.transferSize || 0), nav ? nav.transferSize || 0 : 0);
  const lcp = performance.getEntriesByType('largest-contentful-paint');
  const shifts = performance.getEntriesByType('layout-shift').filter((e) => !e.hadRecentInput);

  const viewportMeta = document.querySelector('meta[name=viewport]');
  return {
    viewport: {width: vw, height: vh, layout_width: layoutWidth, scale: Math.round(scale * 1000) / 1000},
    scroll_width: scrollWidth,
    overflow_px: Math.max(0, scrollWidth - vw),
    scrolls_sideways: scrollsSideways,
    overflow_offenders: offenders.slice(0, 5),
    text: {characters, small_characters: small, histogram},
    tap_targets: {count: targets.length, undersized: undersized.length, cramped: cramped.length,
                  below_44: belowComfort.length, worst: cramped.slice(0, 5)},
    nav: {links: navLinks, visible: navLinksVisible, menu_toggle: toggle ? selectorOf(toggle) : null},
    wide_images: wideImages.slice(0, 5),
    lcp_ms: lcp.length ? Math.round(lcp[lcp.length - 1].startTime) : null,
    cls: Math.round(shifts.reduce((sum, e) => sum + e.value, 0) * 1000) / 1000,
    transfer_bytes: bytes,
    requests: perf.length + 1,
    viewport_meta: viewportMeta ? viewportMeta.getAttribute('content') : null,
    title: document.title,
  };
}
