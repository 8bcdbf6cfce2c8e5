/* djyc site search: runs in the browser from file:// or any intranet path; no server, no requests.
 * The index (assets/search-index.js) sets window.DJYC_SEARCH = {entries: [[title, url, kind, extra], ...], t: {...}}.
 * Results are built with textContent only. */
(function () {
  var data = window.DJYC_SEARCH;
  var app = document.getElementById('search-app');
  if (!data || !app) return;
  app.className = '';
  var params = new URLSearchParams(window.location.search);
  var q = (params.get('q') || '').trim();
  var input = document.getElementById('q');
  if (input) input.value = q;
  var status = document.getElementById('search-status');
  var list = document.getElementById('results');
  if (!q) { status.textContent = data.t.prompt; return; }
  var terms = q.toLowerCase().split(/\s+/).filter(Boolean);
  var hits = data.entries.filter(function (e) {
    var text = (e[0] + ' ' + e[3]).toLowerCase();
    return terms.every(function (t) { return text.indexOf(t) >= 0; });
  });
  status.textContent = hits.length ? data.t.found.replace('{n}', hits.length).replace('{q}', q) : data.t.none.replace('{q}', q);
  hits.slice(0, 200).forEach(function (e) {
    var li = document.createElement('li');
    var kind = document.createElement('span');
    kind.className = 'kind';
    kind.textContent = e[2];
    var a = document.createElement('a');
    a.href = e[1];
    a.textContent = e[0];
    li.appendChild(kind);
    li.appendChild(a);
    if (e[3]) {
      var extra = document.createElement('span');
      extra.className = 'muted small';
      extra.textContent = '　' + e[3];
      li.appendChild(extra);
    }
    list.appendChild(li);
  });
})();
