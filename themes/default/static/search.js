// Search over show notes and transcripts, with no server: generator/search.py writes the index
// (its docstring describes the files); this fetches the few small files a query needs.
(function () {
  "use strict";
  var STOP = {}, MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
  ("a about after all also am an and any are as at be because been but by can could did do does " +
   "don for from get got had has have he her here him his how i if in into is it its just know " +
   "like me more my no not of oh on one or our out really right so some than that the their them " +
   "then there these they think this those to too up us very was we well were what when where " +
   "which who will with would yeah yes you your").split(" ").forEach(function (w) { STOP[w] = 1; });
  var PAGE = 10, DEBOUNCE = 120;

  // --- words: the same rules as generator/search.py -------------------------------------
  function fold(s) { return s.toLowerCase().normalize("NFKD").replace(MARKS, ""); }
  function undouble(w) {
    var n = w.length;
    return n > 2 && w[n - 1] === w[n - 2] && "bdfgkmnprt".indexOf(w[n - 1]) >= 0 ? w.slice(0, -1) : w;
  }
  function stem(w) {
    if (w.length <= 3 || !/^\p{L}+$/u.test(w)) return w;
    if (/ie[sd]$/.test(w) && w.length > 4) w = w.slice(0, -3) + "y";
    else if (/s$/.test(w)) { if (!/(ss|us|is)$/.test(w)) w = w.slice(0, -1); }
    else if (/ing$/.test(w) && w.length > 5 && /[aeiouy]/.test(w.slice(0, -3))) w = undouble(w.slice(0, -3));
    else if (/ed$/.test(w) && w.length > 4 && /[aeiouy]/.test(w.slice(0, -2))) w = undouble(w.slice(0, -2));
    if (/e$/.test(w) && w.length > 3) w = w.slice(0, -1);
    return w;
  }
  function key(w) { return STOP[w] || w.length < 2 ? null : stem(w); }  // w is folded
  function words(text) { return fold(text).match(/[\p{L}\p{N}]+/gu) || []; }
  function terms(text) { return words(text).map(key).filter(Boolean); }
  function bucket(term, n) {
    var h = 2166136261;
    Array.from(term).slice(0, 3).forEach(function (c) { h = Math.imul(h ^ c.codePointAt(0), 16777619) >>> 0; });
    return h % n;
  }
  // Tokens of a text as shown: [start, end, [keys]]; keys keep stop words (for phrases).
  function tokens(text) {
    var out = [], m, re = /[\p{L}\p{N}\p{M}]+/gu;
    while ((m = re.exec(text))) {
      out.push([m.index, m.index + m[0].length, words(m[0]).map(function (w) { return key(w) || w; })]);
    }
    return out;
  }

  var api = window.shownotesSearch = { fold: fold, stem: stem, terms: terms, bucket: bucket, debounce: DEBOUNCE };
  var root = document.querySelector("[data-search]");
  if (!root) return;

  // --- fetching: every file once per page; .bin files are gzip'd JSON ------------------------
  var base = root.getAttribute("data-index") || "./", files = {}, manifest;
  function gunzip(buf) {
    var b = new Uint8Array(buf);
    if (b[0] !== 0x1f || b[1] !== 0x8b) return Promise.resolve(buf);  // the host already decoded it
    return new Response(new Blob([b]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
  }
  function get(path) {
    if (!files[path]) {
      // The manifest is checked with the host every time; the files it names carry its build id.
      files[path] = fetch(base + path + (manifest ? "?v=" + manifest.build : ""), manifest ? {} : { cache: "no-cache" }).then(function (r) {
        if (!r.ok) throw new Error(path + ": HTTP " + r.status);
        return r.arrayBuffer();
      }).then(gunzip).then(function (buf) { return JSON.parse(new TextDecoder().decode(buf)); });
      files[path].catch(function () { delete files[path]; });
    }
    return files[path];
  }
  function ready() {
    return manifest ? Promise.resolve(manifest) : get("manifest.json").then(function (m) { return (manifest = m); });
  }

  // --- a query: groups of alternative terms, phrases, the last word as a prefix ---------------
  function parse(q) {
    var groups = [], phrases = [], seen = {}, loose = q.replace(/"([^"]*)"?/g, function (_, p) {
      var ws = words(p);
      if (ws.length > 1) phrases.push(ws.map(function (w) { return key(w) || w; }));
      return " " + p + " ";
    });
    var ws = words(loose), open = /[\p{L}\p{N}]$/u.test(q);
    ws.forEach(function (w, i) {
      var exact = key(w), prefix = open && i === ws.length - 1 && w.length >= 3 ? w : "";
      var id = (exact || "") + "|" + prefix;
      if ((exact || prefix) && !seen[id]) { seen[id] = 1; groups.push({ exact: exact, prefix: prefix }); }
    });
    return { groups: groups, phrases: phrases };
  }

  function postings(record, each) {  // [df, overflow, delta, impact, mask, ...]
    for (var i = 2, n = 0; i < record.length; i += 3) { n += record[i]; each(n, record[i + 1], record[i + 2]); }
  }

  // Candidate episodes, best first: BM25-like impacts from the index, times idf, summed over groups.
  function rank(m, query, shards, extra) {
    var docs = {}, active = 0, truncated = false;
    query.groups.forEach(function (g, gi) {
      var shard = shards[gi], alts = [], floor = 0;
      if (g.exact && shard[g.exact]) alts.push([g.exact, 1]);
      if (g.prefix) {
        Object.keys(shard).filter(function (t) {
          return t !== g.exact && (t.indexOf(g.prefix) === 0 ||
            (g.prefix.indexOf(t) === 0 && t.length >= Math.max(3, g.prefix.length - 2)));
        }).sort(function (a, b) { return shard[b][0] - shard[a][0] || (a < b ? -1 : 1); })
          .slice(0, 6).forEach(function (t) { alts.push([t, 0.5]); });
      }
      g.alts = alts.map(function (a) { return a[0]; });
      if (!alts.length) return;
      active++;
      g.open = false;
      alts.forEach(function (a) {
        var rec = extra[a[0]] || shard[a[0]], idf = Math.log(1 + (m.episodes - rec[0] + 0.5) / (rec[0] + 0.5)), low = 252;
        if (rec[1] && !extra[a[0]]) { g.open = true; truncated = true; }
        postings(rec, function (n, impact, mask) {
          var d = docs[n] || (docs[n] = { n: n, score: 0, hits: {}, masks: {} }), s = a[1] * idf * impact / 252;
          if (!(gi in d.hits) || s > d.hits[gi]) d.hits[gi] = s;
          d.masks[gi] = (d.masks[gi] || 0) | mask;
          low = Math.min(low, impact);
        });
        if (g.open) floor = Math.max(floor, a[1] * idf * low / 504);
      });
      g.floor = floor;
    });
    var list = Object.keys(docs).map(function (n) {
      var d = docs[n], matched = 0, and = -1, sum = 0, all = true;
      query.groups.forEach(function (g, gi) {
        if (!g.alts.length) return;
        if (gi in d.hits) { matched++; sum += d.hits[gi]; and &= d.masks[gi]; }
        else if (g.open) { matched++; sum += g.floor; }  // maybe in the part of the list left out
        else all = false;
      });
      d.all = all;
      d.and = and;
      d.score = sum * Math.pow(matched / active, 2);
      return d;
    });
    var full = list.filter(function (d) { return d.all; });
    if (full.length) list = full;
    list.sort(function (a, b) { return b.score - a.score || b.n - a.n; });
    return { list: list, partial: !full.length && list.length > 0, truncated: truncated };
  }

  // --- hits inside an episode: show notes, and transcript segments with their second ----------
  function blocksOf(d, max) {
    var pick = [], masks = [d.and];
    Object.keys(d.masks).forEach(function (gi) { masks.push(d.masks[gi]); });
    for (var j = 0; j < masks.length && !pick.length; j++) {
      for (var k = 1; k < 31 && pick.length < max; k++) if (masks[j] >>> k & 1) pick.push(k);
    }
    return pick;
  }
  function matchText(text, want, phrases) {
    var toks = tokens(text), marks = [], groups = {}, phrase = false, seq = [], at = [];
    toks.forEach(function (t, i) {
      t[2].forEach(function (k) { seq.push(k); at.push(i); });
      t[2].forEach(function (k) { if (k in want) { groups[want[k]] = 1; if (marks[marks.length - 1] !== t) marks.push(t); } });
    });
    phrases.forEach(function (p) {
      for (var i = 0; i + p.length <= seq.length; i++) {
        for (var j = 0; j < p.length && seq[i + j] === p[j]; j++);
        if (j === p.length) { phrase = true; for (j = 0; j < p.length; j++) marks.push(toks[at[i + j]]); }
      }
    });
    return { count: Object.keys(groups).length, phrase: phrase, marks: marks };
  }
  function hitsOf(d, meta, blocks, query) {
    var want = {}, out = [], spoken = [];
    query.groups.forEach(function (g, gi) { g.alts.forEach(function (t) { want[t] = gi; }); });
    var title = matchText(meta.t, want, query.phrases), phrase = title.phrase;
    meta.i.forEach(function (item) {
      var a = matchText(item[1], want, query.phrases), b = matchText(item[2], want, query.phrases);
      if (a.count || b.count || a.phrase || b.phrase) {
        phrase = phrase || a.phrase || b.phrase;
        out.push({ at: item[0], label: item[1], labelMarks: a.marks, text: item[2], marks: b.marks, rank: 9 });
      }
    });
    var sum = matchText(meta.s, want, query.phrases);
    if (!out.length && (sum.count || sum.phrase)) out.push({ at: -1, text: meta.s, marks: sum.marks, rank: 9 });
    phrase = phrase || sum.phrase;
    blocks.forEach(function (block) {
      block.forEach(function (seg) {
        var h = matchText(seg[1], want, query.phrases);
        if (h.count || h.phrase) spoken.push({ at: seg[0], speaker: seg[2], text: seg[1], marks: h.marks,
          rank: h.count + (h.phrase ? 10 : 0), phrase: h.phrase });
      });
    });
    if (query.phrases.length) spoken = spoken.filter(function (s) { return s.phrase; });
    spoken.sort(function (a, b) { return b.rank - a.rank || a.at - b.at; });
    spoken = spoken.slice(0, 3).sort(function (a, b) { return a.at - b.at; });
    return { title: title.marks, hits: out.slice(0, 2).concat(spoken), phrase: phrase || spoken.length > 0 };
  }

  // --- rendering -----------------------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function clock(t) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(Math.floor(t / 3600)) + ":" + two(Math.floor(t % 3600 / 60)) + ":" + two(t % 60);
  }
  function marked(parent, text, marks, limit) {  // text with <mark>s, cut to a window around the first
    marks = marks.slice().sort(function (a, b) { return a[0] - b[0]; });
    var from = 0, to = text.length;
    if (limit && text.length > limit) {
      var first = marks.length ? marks[0][0] : 0;
      from = Math.max(0, first - Math.floor(limit / 3));
      if (from) from = text.indexOf(" ", from) + 1 || from;
      to = Math.min(text.length, from + limit);
      if (to < text.length) to = text.lastIndexOf(" ", to) > from ? text.lastIndexOf(" ", to) : to;
    }
    if (from) parent.appendChild(document.createTextNode("…"));
    var at = from;
    marks.forEach(function (m) {
      if (m[0] < at || m[1] > to) return;
      parent.appendChild(document.createTextNode(text.slice(at, m[0])));
      parent.appendChild(el("mark", "", text.slice(m[0], m[1])));
      at = m[1];
    });
    parent.appendChild(document.createTextNode(text.slice(at, to) + (to < text.length ? "…" : "")));
    return parent;
  }
  function card(meta, found) {
    var li = el("li", "search-hit"), h = el("h2", "search-title"), a = el("a");
    a.href = meta.u;
    a.appendChild(el("span", "badge", "#" + meta.n));
    a.appendChild(document.createTextNode(" "));
    marked(a, meta.t, found.title);
    h.appendChild(a);
    li.appendChild(h);
    li.appendChild(el("p", "search-date", meta.d));
    var ul = el("ul", "search-moments");
    found.hits.forEach(function (hit) {
      var row = el("li");
      if (hit.at >= 0) {
        var t = el("a", "timecode", clock(hit.at));
        t.href = meta.u + "#t=" + hit.at;
        t.setAttribute("aria-label", "Episode " + meta.n + " at " + clock(hit.at));
        row.appendChild(t);
        row.appendChild(document.createTextNode(" "));
      }
      if (hit.label) { marked(row.appendChild(el("strong", "search-item")), hit.label, hit.labelMarks || []); row.appendChild(document.createTextNode(" ")); }
      if (hit.speaker) row.appendChild(el("span", "speaker", hit.speaker + ": "));
      if (hit.marks.length || !hit.label) marked(row.appendChild(el("span", "search-snippet")), hit.text, hit.marks, 180);
      ul.appendChild(row);
    });
    if (found.hits.length) li.appendChild(ul);
    return li;
  }

  // --- the page ------------------------------------------------------------------------
  var results = root.querySelector("[data-search-results]"), status = root.querySelector("[data-search-status]");
  var inputs = Array.prototype.slice.call(document.querySelectorAll('input[name="q"]'));
  var main = root.querySelector('input[name="q"]'), run = 0, timer, state;

  function setState(s, q) { results.setAttribute("data-state", s); results.setAttribute("data-query", q); }
  function say(text) { status.textContent = text; }

  function search(q) {
    var mine = ++run, query = parse(q);
    q = q.trim();
    if (!query.groups.length) {
      results.textContent = "";
      say(q ? "Type a more specific word: “" + q + "” is too common to search for." : "");
      setState(q ? "empty" : "idle", q);
      return Promise.resolve();
    }
    setState("loading", q);
    return ready().then(function (m) {
      return Promise.all(query.groups.map(function (g) {  // the buckets of the word and of its prefix
        return Promise.all([g.exact, g.prefix].filter(Boolean).map(function (t) { return get("s/" + bucket(t, m.buckets) + ".bin"); }))
          .then(function (s) { return Object.assign.apply(null, [{}].concat(s)); });
      })).then(function (shards) {
        if (mine !== run) return;
        state = { q: q, m: m, query: query, shards: shards, extra: {}, checked: 0, seen: {}, ol: el("ol", "search-list") };
        state.ol.setAttribute("data-for", q);
        state.ranked = rank(m, query, shards, state.extra);
        return more(mine);
      });
    }).catch(function (err) {
      if (mine !== run) return;
      results.textContent = "";
      say("Search is not available right now (" + err.message + ").");
      setState("error", q);
    });
  }

  // Show the next PAGE episodes; phrase queries skip episodes where the phrase is not found.
  function more(mine) {
    var s = state, ol = s.ol, list = s.ranked.list, phrase = s.query.phrases.length > 0;
    var before = ol.children.length, batch = list.slice(s.checked, s.checked + PAGE), done = Promise.resolve();
    s.checked += batch.length;
    batch.map(function (d, i) {  // all fetched at once, shown in rank order as soon as each is ready
      var blocks = blocksOf(d, phrase ? 3 : before + i < 3 ? 2 : 1);
      return Promise.all([get("e/" + d.n + "/0.bin")].concat(blocks.map(function (k) { return get("e/" + d.n + "/" + k + ".bin"); })))
        .then(function (parts) { return [d, parts[0], hitsOf(d, parts[0], parts.slice(1), s.query)]; });
    }).forEach(function (ready) {
      done = done.then(function () { return ready; }).then(function (c) {
        if (mine !== run || (phrase && !c[2].phrase)) return;
        s.seen[c[0].n] = 1;
        ol.appendChild(card(c[1], c[2]));
        show(ol);
      });
    });
    return done.then(function () {
      if (mine !== run) return;
      if (ol.children.length - before < PAGE && s.checked < list.length && (!phrase || s.checked < 60)) return more(mine);
      show(ol);
      finish(before);
    });
  }
  function show(ol) {  // the previous results stay until the first new one is ready
    if (ol.parentNode !== results) { results.textContent = ""; results.appendChild(ol); }
  }

  function finish(before) {
    var s = state, shown = results.querySelectorAll(".search-hit"), left = s.ranked.list.length > s.checked;
    var old = results.querySelector(".search-more");
    if (old) old.remove();
    if (left || s.ranked.truncated) {
      var b = results.appendChild(el("button", "button button-quiet search-more", "More results"));
      b.type = "button";
      b.addEventListener("click", function () {
        var from = results.querySelectorAll(".search-hit").length;
        b.disabled = true;
        (left ? more(run) : deeper(run)).then(function () {
          var next = results.querySelectorAll(".search-hit")[from];
          if (next) next.querySelector("a").focus();
        });
      });
    }
    if (before && shown.length === before) { b && b.remove(); return; }
    if (!shown.length) {
      results.appendChild(el("p", "search-empty", "No episode matches “" + s.q + "”. Try fewer or shorter words, or check the spelling."));
      say("No results for “" + s.q + "”.");
      return setState("empty", s.q);
    }
    var total = s.query.phrases.length ? shown.length : (s.base || 0) + s.ranked.list.length;
    var plus = (s.ranked.truncated && !s.deep) || (s.query.phrases.length && left) ? "+" : "";
    if (plus && s.query.groups.length === 1 && !s.query.phrases.length) {  // one word: at least as many as have it
      s.query.groups[0].alts.forEach(function (t) { total = Math.max(total, s.shards[0][t][0]); });
      if (s.query.groups[0].alts.length === 1) plus = "";
    }
    say((total === 1 && !plus ? "1 episode" : total + plus + " episodes") + " found for “" + s.q + "”" +
        (s.ranked.partial ? ", none with all the words" : "") + ".");
    setState("done", s.q);
  }

  // The postings that common terms left out of their bucket, to page past what was ranked.
  function deeper(mine) {
    var s = state, wanted = [];
    s.query.groups.forEach(function (g, gi) {
      g.alts.forEach(function (t) {
        var rec = s.shards[gi][t], last = 0;
        postings(rec, function (n) { last = n; });
        if (rec[1]) wanted.push(get("x/" + bucket(t, s.m.buckets) + "-" + rec[1] + ".bin").then(function (rest) {
          s.extra[t] = [rec[0], 0].concat(rec.slice(2), rest.length ? [rest[0] - last].concat(rest.slice(1)) : []);
        }));
      });
    });
    return Promise.all(wanted).then(function () {
      if (mine !== run) return;
      s.deep = true;
      s.base = Object.keys(s.seen).length;
      s.ranked = rank(s.m, s.query, s.shards, s.extra);
      s.ranked.truncated = false;
      s.ranked.list = s.ranked.list.filter(function (d) { return !s.seen[d.n]; });
      s.checked = 0;
      return more(mine);
    });
  }

  function schedule(q) {
    clearTimeout(timer);
    timer = setTimeout(function () { sync(q); search(q); }, DEBOUNCE);
    if (manifest) parse(q).groups.forEach(function (g) {  // a word's bucket is known from its first 3 letters:
      [g.exact, g.prefix].forEach(function (t) {       // fetch it while the debounce waits
        if (t && t.length >= 3) get("s/" + bucket(t, manifest.buckets) + ".bin").catch(function () {});
      });
    });
  }
  function sync(q) {
    var url = location.pathname + (q.trim() ? "?q=" + encodeURIComponent(q.trim()) : "");
    history.replaceState(null, "", url);
  }
  inputs.forEach(function (input) {
    input.addEventListener("input", function () {
      inputs.forEach(function (other) { if (other !== input) other.value = input.value; });
      schedule(input.value);
    });
    input.form && input.form.addEventListener("submit", function (e) {
      e.preventDefault();
      clearTimeout(timer);
      sync(input.value);
      search(input.value);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { var first = results.querySelector("a, button"); if (first) { e.preventDefault(); first.focus(); } }
    });
  });
  // Arrow keys move through result links; Escape goes back to the search box.
  results.addEventListener("keydown", function (e) {
    var links = Array.prototype.slice.call(results.querySelectorAll("a, button")), i = links.indexOf(document.activeElement);
    if (i < 0) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      var j = i + (e.key === "ArrowDown" ? 1 : -1);
      (j < 0 ? main : links[Math.min(j, links.length - 1)]).focus();
    } else if (e.key === "Escape") main.focus();
  });

  api.search = search;
  var initial = new URLSearchParams(location.search).get("q") || "";
  inputs.forEach(function (input) { input.value = initial; });
  if (initial.trim()) search(initial);
  else { main.focus(); ready().catch(function () {}); }
})();
