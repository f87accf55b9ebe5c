// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  // Move focus to the error summary so keyboard and screen-reader users hear what went wrong.
  var summary = document.querySelector('.error-summary');
  if (summary) summary.focus();
  // Ask for confirmation before destructive actions (revoke, disable, delete).
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  // Copy buttons next to one-time secrets.
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var target = document.getElementById(button.getAttribute('data-copy'));
      if (target && navigator.clipboard) navigator.clipboard.writeText(target.textContent.trim());
    });
  });
})();

// ---- Bulletin editor -----------------------------------------------------------------------------------------
// Everything below enhances a form that already works without JavaScript: the server computes scores, adds rows,
// renders previews and refuses stale saves on its own; this only saves round trips.
(function () {
  'use strict';
  var form = document.querySelector('form.bulletin-editor');
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) return;
  var csrfField = form.querySelector('input[name="_csrf"]');
  var csrf = csrfField ? csrfField.value : '';
  var versionField = form.querySelector('[data-version]');
  var status = form.querySelector('[data-autosave-status]');
  var datalist = document.getElementById('product-suggestions');
  var dirty = false;
  var conflicted = false;
  var saving = false;

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      if (timer) clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }
  function postForm(url, params) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: params.toString()
    });
  }
  function getJson(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    });
  }
  function showStatus(text, isProblem) {
    if (!status) return;
    status.textContent = text;
    status.hidden = false;
    status.classList.toggle('autosave-status--problem', Boolean(isProblem));
  }

  // Languages as tabs: one language at a time, the one holding the first error first.
  var tabs = form.querySelectorAll('[data-language-tab]');
  var panes = form.querySelectorAll('[data-language]');
  function showLanguage(lang) {
    panes.forEach(function (p) { p.hidden = p.getAttribute('data-language') !== lang; });
    tabs.forEach(function (a) {
      if (a.getAttribute('data-language-tab') === lang) a.setAttribute('aria-current', 'true');
      else a.removeAttribute('aria-current');
    });
  }
  if (tabs.length > 1) {
    form.classList.add('bulletin-editor--tabs');
    tabs.forEach(function (a) {
      a.addEventListener('click', function (e) {
        e.preventDefault();
        showLanguage(a.getAttribute('data-language-tab'));
      });
    });
    var firstError = form.querySelector('[data-language] [aria-invalid="true"]');
    var firstPane = firstError ? firstError.closest('[data-language]') : panes[0];
    if (firstPane) showLanguage(firstPane.getAttribute('data-language'));
    // A link of the error summary to a field of a hidden language opens that language first.
    document.querySelectorAll('.error-summary a[href^="#"]').forEach(function (link) {
      link.addEventListener('click', function () {
        var target = document.getElementById(link.getAttribute('href').slice(1));
        var pane = target ? target.closest('[data-language]') : null;
        if (pane) showLanguage(pane.getAttribute('data-language'));
      });
    });
  }

  // Live CVSS score as the vector is typed.
  var cvssUrl = form.getAttribute('data-cvss-url');
  var scoreVector = debounce(function (input) {
    var frame = input.closest('.cvss-field');
    var output = frame ? frame.querySelector('[data-cvss-score]') : null;
    if (!output) return;
    if (input.value.trim() === '') { output.textContent = ''; return; }
    getJson(cvssUrl + '?vector=' + encodeURIComponent(input.value.trim()))
      .then(function (answer) { output.textContent = answer.label; })
      .catch(function () { /* the score is computed again on save */ });
  }, 300);

  // Product suggestions from the shared registry, in the <datalist> the product fields use.
  var productsUrl = form.getAttribute('data-products-url');
  var suggestions = {};
  var suggest = debounce(function (input) {
    var q = input.value.trim();
    if (q.length < 2 || !datalist) return;
    getJson(productsUrl + '?q=' + encodeURIComponent(q)).then(function (answer) {
      datalist.textContent = '';
      suggestions = {};
      answer.items.forEach(function (item) {
        var option = document.createElement('option');
        option.value = item.product;
        option.label = item.vendor + ' — ' + item.product;
        datalist.appendChild(option);
        suggestions[item.product] = item;
      });
    }).catch(function () { /* typing works without suggestions */ });
  }, 250);
  function rowField(input, name) {
    var row = input.closest('.editor-row');
    return row ? row.querySelector('[name$=".' + name + '"]') : null;
  }
  function linkProducts(root) {
    root.querySelectorAll('input[name^="affected."][name$=".product"]').forEach(function (input) {
      input.setAttribute('list', 'product-suggestions');
      input.setAttribute('autocomplete', 'off');
    });
  }
  linkProducts(form);
  form.addEventListener('change', function (e) {
    var input = e.target;
    if (!input.name || !/^affected\.\d+\.product$/.test(input.name)) return;
    var item = suggestions[input.value];
    var id = rowField(input, 'productId');
    if (id) id.value = item ? item.id : '';
    if (!item) return;
    var vendor = rowField(input, 'vendor');
    if (vendor && vendor.value.trim() === '') vendor.value = item.vendor;
    var cpe = rowField(input, 'cpe');
    if (cpe && cpe.value === '' && item.cpe) cpe.value = item.cpe;
    var purl = rowField(input, 'purl');
    if (purl && purl.value === '' && item.purl) purl.value = item.purl;
  });

  form.addEventListener('input', function (e) {
    var input = e.target;
    dirty = true;
    if (!input.name) return;
    if (/^cves\.\d+\.cvss(31|40)$/.test(input.name)) scoreVector(input);
    if (/^affected\.\d+\.product$/.test(input.name)) {
      var id = rowField(input, 'productId');
      if (id) id.value = '';
      suggest(input);
    }
  });

  // "Add a row" in place: a copy of the last row, emptied and renumbered.
  form.querySelectorAll('[data-add-row]').forEach(function (button) {
    button.addEventListener('click', function (e) {
      var list = button.getAttribute('data-add-row');
      var section = button.closest('[data-rows]');
      var rows = section ? section.querySelectorAll('.editor-row') : [];
      if (rows.length === 0) return; // no row to copy: let the server add one
      e.preventDefault();
      var last = rows[rows.length - 1];
      var max = -1;
      section.querySelectorAll('[name^="' + list + '."]').forEach(function (el) {
        var n = Number(el.name.split('.')[1]);
        if (n > max) max = n;
      });
      var next = max + 1;
      var copy = last.cloneNode(true);
      var namePattern = new RegExp('^' + list + '\\.\\d+\\.');
      var idPattern = new RegExp('^f-' + list + '-\\d+-');
      copy.querySelectorAll('*').forEach(function (el) {
        if (el.name && namePattern.test(el.name)) el.name = el.name.replace(namePattern, list + '.' + next + '.');
        ['id', 'for', 'aria-describedby'].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) el.setAttribute(attr, v.split(' ').map(function (part) { return part.replace(idPattern, 'f-' + list + '-' + next + '-'); }).join(' '));
        });
        if (el.tagName === 'INPUT') {
          if (el.type === 'checkbox') el.checked = false;
          else if (el.type !== 'hidden' || el.hasAttribute('data-product-id')) el.value = '';
          el.removeAttribute('aria-invalid');
        } else if (el.tagName === 'TEXTAREA') {
          el.value = '';
        } else if (el.tagName === 'SELECT') {
          el.selectedIndex = 0;
        } else if (el.tagName === 'OUTPUT') {
          el.textContent = '';
        }
      });
      copy.querySelectorAll('.field__error').forEach(function (p) { p.remove(); });
      copy.querySelectorAll('.field--error').forEach(function (f) { f.classList.remove('field--error'); });
      copy.querySelectorAll('.field__hint code').forEach(function (c) { c.parentNode.remove(); });
      var legend = copy.querySelector('legend');
      if (legend) legend.textContent = legend.textContent.replace(/\d+(?!.*\d)/, String(next + 1));
      last.parentNode.appendChild(copy);
      linkProducts(copy);
      var first = copy.querySelector('input:not([type="hidden"]), select, textarea');
      if (first) first.focus();
    });
  });

  // Preview of one language, rendered by the server (sanitised Markdown).
  var previewUrl = form.getAttribute('data-preview-url');
  form.querySelectorAll('[data-preview]').forEach(function (button) {
    button.addEventListener('click', function (e) {
      e.preventDefault();
      var lang = button.getAttribute('data-preview');
      var output = form.querySelector('[data-preview-output="' + lang + '"]');
      if (!output) return;
      var fields = ['description', 'solution', 'workarounds'];
      Promise.all(fields.map(function (f) {
        var area = form.querySelector('[name="texts.' + lang + '.' + f + '"]');
        if (!area || area.value.trim() === '') return Promise.resolve(null);
        var label = form.querySelector('label[for="' + area.id + '"]');
        var params = new URLSearchParams();
        params.set('_csrf', csrf);
        params.set('markdown', area.value);
        return postForm(previewUrl, params).then(function (r) { return r.ok ? r.json() : null; }).then(function (answer) {
          return answer ? { label: label ? label.textContent : f, html: answer.html } : null;
        });
      })).then(function (parts) {
        output.textContent = '';
        var title = document.createElement('h3');
        title.textContent = button.textContent;
        output.appendChild(title);
        parts.forEach(function (part) {
          if (!part) return;
          var h = document.createElement('h4');
          h.textContent = part.label;
          var body = document.createElement('div');
          body.className = 'prose';
          // The HTML comes from our own renderMarkdown, which sanitises it (no script, handler or javascript: URL).
          body.innerHTML = part.html;
          output.appendChild(h);
          output.appendChild(body);
        });
        output.hidden = false;
      }).catch(function () { /* the preview button works without JavaScript too */ });
    });
  });

  // Autosave of the draft every 20 seconds when something changed; a conflict stops it instead of overwriting.
  var autosaveUrl = form.getAttribute('data-autosave');
  function autosave() {
    if (!dirty || conflicted || saving || !autosaveUrl || !versionField) return;
    saving = true;
    dirty = false;
    var params = new URLSearchParams(new FormData(form));
    params.delete('_action');
    postForm(autosaveUrl, params).then(function (r) {
      return r.json().then(function (answer) { return { status: r.status, answer: answer }; });
    }).then(function (result) {
      if (result.status === 200 && result.answer.ok) {
        versionField.value = String(result.answer.version);
        showStatus(result.answer.message, false);
      } else if (result.status === 409) {
        conflicted = true;
        showStatus(result.answer.message, true);
      } else if (result.answer && result.answer.message) {
        showStatus(result.answer.message, true);
      }
    }).catch(function () {
      dirty = true; // offline or server unavailable: try again at the next tick
    }).then(function () {
      saving = false;
    });
  }
  if (autosaveUrl) setInterval(autosave, 20000);
})();
