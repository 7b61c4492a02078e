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
  function title(row, a) {
    var td = cell(row, a.link ? '' : a.title, {dir: 'auto', 'class': 'title'});
    if (a.link) {  // the API gives a link only for an http(s) URL
      var link = document.createElement('a');
      link.setAttribute('href', a.link);
      link.setAttribute('rel', 'noopener noreferrer');
      link.setAttribute('target', '_blank');
      link.textContent = a.title == null ? '' : String(a.title);
      td.appendChild(link);
    }
  }
  function snippet(row, parts) {
    var td = cell(row, '', {dir: 'auto', 'class': 'muted snippet'});
    (parts || []).forEach(function (p) {
      if (p.mark) {
        var m = document.createElement('mark');
        m.textContent = p.text;
        td.appendChild(m);
      } else {
        td.appendChild(document.createTextNode(p.text));
      }
    });
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
          snippet(tr, a.snippet_parts);
          body.appendChild(tr);
        });
        if (history.replaceState) {
          var u = new URL(window.location.href); u.searchParams.set('q', q); history.replaceState(null, '', u);
        }
      })
      .catch(function (err) { status.textContent = 'Search failed: ' + err; });
  });
})();
