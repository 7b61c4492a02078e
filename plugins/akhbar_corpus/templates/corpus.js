(function () {
  // Results are built with createElement and textContent only: titles, snippets and URLs are data.
  var form = document.getElementById('search-form');
  var input = document.getElementById('search-q');
  var status = document.getElementById('search-status');
  var body = document.getElementById('search-results');
  function cell(row, text, attrs) {
    var td = document.createElement('td');
    td.textContent = text == null ? '' : String(text);
    if (attrs) { for (var k in attrs) td.setAttribute(k, attrs[k]); }
    row.appendChild(td);
    return td;
  }
  function marked(parent, parts) {
    (parts || []).forEach(function (p) {
      if (p.mark) {
        var m = document.createElement('mark');
        m.textContent = p.text;
        parent.appendChild(m);
      } else {
        parent.appendChild(document.createTextNode(p.text));
      }
    });
  }
  function title(row, a) {
    var td = cell(row, '', {dir: 'auto', 'class': 'title'});
    var into = td;
    if (a.link) {  // the API gives a link only for an http(s) URL
      into = document.createElement('a');
      into.setAttribute('href', a.link);
      into.setAttribute('rel', 'noopener noreferrer');
      into.setAttribute('target', '_blank');
      td.appendChild(into);
    }
    marked(into, a.title_parts);
  }
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var q = input.value.trim();
    if (!q) { return; }
    status.textContent = 'Searching…';
    fetch('api/search?q=' + encodeURIComponent(q), {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (r) { return r.json().then(function (data) { return {ok: r.ok, data: data}; }); })
      .then(function (res) {
        body.textContent = '';
        var data = res.data;
        if (!res.ok || data.available === false) {
          status.textContent = (data && (data.message || data.detail)) || 'Search failed.';
          return;
        }
        status.textContent = data.status;
        data.results.forEach(function (a) {
          var tr = document.createElement('tr');
          tr.className = 'hit';
          cell(tr, a.score);
          title(tr, a);
          cell(tr, a.source_id);
          cell(tr, a.lang);
          cell(tr, a.dt);
          marked(cell(tr, '', {dir: 'auto', 'class': 'muted snippet'}), a.snippet_parts);
          body.appendChild(tr);
        });
        if (history.replaceState) {
          var u = new URL(window.location.href); u.searchParams.set('q', q); history.replaceState(null, '', u);
        }
      })
      .catch(function (err) { status.textContent = 'Search failed: ' + err; });
  });
})();
