/* Client-side search of the archive (lunr.js), online and from file://.
 *
 * The search data (built by generator/search) is a set of scripts under search/ that register
 * themselves in window.bulletinSearchData: a manifest, index buckets (a shard's terms split by a
 * hash) and store chunks (display data). A query loads only the buckets of its own terms from every
 * shard, merges them into one lunr.Index with weights rescaled to the archive-wide idf, and loads
 * the store chunks of the results it shows.
 *
 * Query terms mirror generator/search/terms.py (normalize, splitRuns, queryTerms, bucketOf): keep
 * the two in step (tests/test_search_browser.py compares them).
 */
(function () {
  'use strict';

  var DATA = 'bulletinSearchData';
  var CJK = '\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007';
  var CJK_ONLY = new RegExp('^[' + CJK + ']+$');
  // Quote marks inside a phrase are dropped between CJK characters (通过“智慧巡防”系统 contains
  // 智慧巡防系统); the index side also drops whitespace there, the query side keeps it as a separator.
  var QUOTE_MARKS = '"\'\u201c\u201d\u2018\u2019\u300a\u300b\u3008\u3009\u300c\u300d\u300e\u300f\u3010\u3011\u3014\u3015';
  var INDEX_JOIN = new RegExp('(?<=[' + CJK + '])[\\s' + QUOTE_MARKS + ']+(?=[' + CJK + '])', 'g');
  var QUERY_JOIN = new RegExp('(?<=[' + CJK + '])[' + QUOTE_MARKS + ']+(?=[' + CJK + '])', 'g');
  var PAGE_SIZE = 20;
  var VERIFY_ALL_CHUNKS = 40; // check every candidate when their text costs at most this many chunks
  var DEBOUNCE_MS = 150;

  var currentScript = document.currentScript;
  var siteRoot = currentScript ? currentScript.src.replace(/assets\/js\/search\.js(?:[?#].*)?$/, '') : '';

  // --- terms (mirror of generator/search/terms.py) -------------------------------------------

  function normalizeChar(ch) {
    if (ch.length !== 1) return ch; // astral: left as is, like the Python side
    var folded = ch.normalize('NFKC').toLowerCase();
    if (folded.length === 1) return folded;
    var lowered = ch.toLowerCase();
    return lowered.length === 1 ? lowered : ch;
  }

  function normalize(text) {
    var out = '';
    for (var ch of text) out += normalizeChar(ch);
    return out;
  }

  function splitRuns(text, isQuery) {
    var runs = [], re = new RegExp('([' + CJK + ']+)|([a-z0-9]+)', 'g'), m;
    var norm = normalize(text).replace(isQuery ? QUERY_JOIN : INDEX_JOIN, '');
    while ((m = re.exec(norm)) !== null) {
      runs.push(m[1] ? { kind: 'cjk', text: m[1] } : { kind: 'latin', text: m[2] });
    }
    return runs;
  }

  function bigrams(run) {
    var out = [];
    for (var i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
    return out;
  }

  function queryTerms(query) {
    var runs = splitRuns(query, true);
    var stillTyping = query.length > 0 && !/\s/.test(query[query.length - 1]);
    var terms = [];
    runs.forEach(function (run, position) {
      if (run.kind === 'cjk') {
        bigrams(run.text).forEach(function (b) { terms.push({ term: b, required: true, prefix: false, boost: 1 }); });
        if (run.text.length >= 3) terms.push({ term: run.text, required: false, prefix: false, boost: 2 });
      } else {
        var last = position === runs.length - 1;
        var prefix = last && stillTyping && !/^[0-9]+$/.test(run.text) && run.text.length >= 2;
        terms.push({ term: run.text, required: true, prefix: prefix, boost: 1 });
      }
    });
    var seen = {}, unique = [];
    terms.forEach(function (t) {
      var key = t.term + (t.prefix ? '*' : '');
      if (!seen[key]) { seen[key] = true; unique.push(t); }
    });
    return unique;
  }

  function bucketKey(term) { return CJK_ONLY.test(term) ? term : term.slice(0, 2); }

  function fnv1a(text) {
    var h = 0x811c9dc5;
    for (var ch of text) {
      h = (h ^ ch.codePointAt(0)) >>> 0;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
  }

  function bucketOf(term, count) { return fnv1a(bucketKey(term)) % count; }

  // --- loading data scripts ----------------------------------------------------------------------

  var loading = Object.create(null);

  function loadData(key) {
    if (!loading[key]) {
      loading[key] = new Promise(function (resolve) {
        var store = window[DATA] = window[DATA] || {};
        if (store[key] !== undefined) { resolve(store[key]); return; }
        var script = document.createElement('script');
        script.src = siteRoot + 'search/' + key + '.js';
        script.async = true;
        script.onload = function () { resolve(store[key] === undefined ? null : store[key]); };
        script.onerror = function () { resolve(null); };
        document.head.appendChild(script);
      });
    }
    return loading[key];
  }

  // --- the merged index --------------------------------------------------------------------------

  function lunrIdf(df, n) { return Math.log(1 + Math.abs((n - df + 0.5) / (df + 0.5))); }

  function Engine() {
    this.manifest = null;
    this.buckets = Object.create(null); // "shard/bucket" -> payload
    this.index = null;
    this.indexedBuckets = -1;
  }

  Engine.prototype.ready = function () {
    var self = this;
    if (self.manifest) return Promise.resolve(self.manifest);
    return loadData('manifest').then(function (manifest) {
      if (!manifest) throw new Error('search data missing');
      if (typeof lunr === 'undefined') throw new Error('lunr.js missing');
      self.manifest = manifest;
      return manifest;
    });
  };

  Engine.prototype.loadBuckets = function (terms) {
    var self = this, wanted = [];
    self.manifest.shards.forEach(function (shard) {
      var seen = {};
      terms.forEach(function (t) {
        var b = bucketOf(t.term, shard.buckets);
        if (seen[b]) return;
        seen[b] = true;
        var key = shard.id + '/' + b;
        if (!(key in self.buckets)) {
          wanted.push(loadData('i/' + key).then(function (payload) {
            self.buckets[key] = { shard: shard, terms: payload ? payload.t : [] };
          }));
        }
      });
    });
    return Promise.all(wanted);
  };

  // One lunr index over every bucket loaded so far. Each shard's BM25 weights carry that shard's
  // idf; multiplying by idf(all shards) / idf(shard) gives the weights of one index over the archive.
  Engine.prototype.buildIndex = function () {
    var keys = Object.keys(this.buckets);
    if (this.index && keys.length === this.indexedBuckets) return this.index;
    var fields = this.manifest.fields, total = 0;
    this.manifest.shards.forEach(function (s) { total += s.docs; });
    var byTerm = Object.create(null);
    keys.forEach(function (key) {
      var bucket = this.buckets[key];
      bucket.terms.forEach(function (entry) {
        var df = 0;
        for (var i = 2; i < entry.length; i += 2) df += entry[i].length / 2;
        (byTerm[entry[0]] = byTerm[entry[0]] || []).push({ shard: bucket.shard, entry: entry, df: df });
      });
    }, this);
    var termList = Object.keys(byTerm).sort();
    var inverted = [], vectors = Object.create(null);
    termList.forEach(function (term, termIndex) {
      var parts = byTerm[term], globalDf = 0;
      parts.forEach(function (p) { globalDf += p.df; });
      var posting = { _index: termIndex };
      fields.forEach(function (f) { posting[f] = {}; });
      parts.forEach(function (p) {
        var scale = lunrIdf(globalDf, total) / (lunrIdf(p.df, p.shard.docs) || 1);
        for (var i = 1; i < p.entry.length; i += 2) {
          var field = fields[p.entry[i]], list = p.entry[i + 1];
          for (var j = 0; j < list.length; j += 2) {
            var ref = p.shard.id + ':' + list[j];
            posting[field][ref] = {};
            var fieldRef = field + '/' + ref;
            (vectors[fieldRef] = vectors[fieldRef] || []).push(termIndex, list[j + 1] * scale);
          }
        }
      });
      inverted.push([term, posting]);
    });
    this.index = lunr.Index.load({
      version: lunr.version, fields: fields, pipeline: [],
      invertedIndex: inverted,
      fieldVectors: Object.keys(vectors).map(function (k) { return [k, vectors[k]]; })
    });
    this.indexedBuckets = keys.length;
    return this.index;
  };

  Engine.prototype.candidates = function (terms) {
    var self = this;
    return self.ready().then(function () {
      return self.loadBuckets(terms);
    }).then(function () {
      var index = self.buildIndex();
      return index.query(function (q) {
        terms.forEach(function (t) {
          q.term(t.term, {
            usePipeline: false,
            boost: t.boost,
            presence: t.required ? lunr.Query.presence.REQUIRED : lunr.Query.presence.OPTIONAL,
            wildcard: t.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE
          });
        });
      });
    });
  };

  Engine.prototype.chunkKey = function (ref) {
    var cut = ref.lastIndexOf(':'), shardId = ref.slice(0, cut), doc = +ref.slice(cut + 1);
    var shard = this.manifest.shards.filter(function (s) { return s.id === shardId; })[0];
    return { key: 's/' + shardId + '/' + Math.floor(doc / shard.chunk), offset: doc % shard.chunk };
  };

  Engine.prototype.records = function (refs) {
    var self = this;
    return Promise.all(refs.map(function (ref) {
      var where = self.chunkKey(ref);
      return loadData(where.key).then(function (chunk) {
        var r = chunk && chunk[where.offset];
        return r ? { ref: ref, url: r[0], title: r[1], issue: r[2], date: r[3], unit: r[4], text: r[5], extra: r[6] } : null;
      });
    }));
  };

  // --- matching text: verification and highlighting -----------------------------------------------

  function queryNeedles(query) {
    var needles = [];
    splitRuns(query, true).forEach(function (run) { needles.push(run.text); });
    return needles;
  }

  function phrasesToVerify(query) {
    return splitRuns(query, true).filter(function (r) { return r.kind === 'cjk' && r.text.length >= 3; })
      .map(function (r) { return r.text; });
  }

  // The normalised text with the index side's joins applied, and for each of its characters the
  // offset of that character in the original text.
  function compact(text) {
    var norm = normalize(text), dropped = new Uint8Array(norm.length), m;
    INDEX_JOIN.lastIndex = 0;
    while ((m = INDEX_JOIN.exec(norm)) !== null) {
      for (var i = m.index; i < m.index + m[0].length; i++) dropped[i] = 1;
    }
    var out = '', map = [];
    for (var j = 0; j < norm.length; j++) {
      if (!dropped[j]) { out += norm[j]; map.push(j); }
    }
    return { text: out, map: map };
  }

  function recordContains(record, phrases) {
    var hay = compact([record.title, record.unit || '', record.text, record.extra || ''].join('\n')).text;
    return phrases.every(function (p) { return hay.indexOf(p) !== -1; });
  }

  // [start, end) ranges in `text` where a needle occurs (a CJK needle that does not occur whole
  // falls back to its bigrams), merged and sorted.
  function matchRanges(text, needles) {
    var c = compact(text), norm = c.text, ranges = [];
    function mark(n) {
      if (!n) return false;
      var found = false, from = 0, at;
      while ((at = norm.indexOf(n, from)) !== -1) {
        ranges.push([c.map[at], c.map[at + n.length - 1] + 1]);
        from = at + n.length;
        found = true;
      }
      return found;
    }
    needles.forEach(function (n) {
      if (!mark(n) && CJK_ONLY.test(n) && n.length > 2) bigrams(n).forEach(mark);
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    return merged;
  }

  function appendHighlighted(parent, text, ranges, from, to) {
    var pos = from;
    ranges.forEach(function (r) {
      var s = Math.max(r[0], from), e = Math.min(r[1], to);
      if (e <= s || s < pos) return;
      parent.appendChild(document.createTextNode(text.slice(pos, s)));
      var m = document.createElement('mark');
      m.textContent = text.slice(s, e);
      parent.appendChild(m);
      pos = e;
    });
    parent.appendChild(document.createTextNode(text.slice(pos, to)));
  }

  function snippet(parent, text, needles) {
    var ranges = matchRanges(text, needles);
    var first = ranges.length ? ranges[0][0] : 0;
    var start = Math.max(0, first - 30), end = Math.min(text.length, start + 130);
    if (start > 0) parent.appendChild(document.createTextNode('…'));
    appendHighlighted(parent, text, ranges, start, end);
    if (end < text.length) parent.appendChild(document.createTextNode('…'));
  }

  // --- the search page ---------------------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function renderResult(record, needles) {
    var item = el('li', 'search-result');
    var heading = el('h2', 'search-result-title');
    var link = el('a');
    link.href = siteRoot + record.url;
    appendHighlighted(link, record.title, matchRanges(record.title, needles), 0, record.title.length);
    heading.appendChild(link);
    item.appendChild(heading);
    var meta = el('p', 'search-result-meta');
    meta.appendChild(el('span', 'search-result-issue', record.issue));
    if (record.date && record.issue.indexOf(record.date) === -1) meta.appendChild(el('span', 'search-result-date', record.date));
    if (record.unit) meta.appendChild(el('span', 'search-result-unit', record.unit));
    item.appendChild(meta);
    var text = el('p', 'search-result-snippet');
    snippet(text, record.text || record.title, needles);
    item.appendChild(text);
    return item;
  }

  function SearchPage(root) {
    this.root = root;
    this.input = root.querySelector('input[name="q"]');
    this.status = root.querySelector('[data-search-status]');
    this.list = root.querySelector('[data-search-results]');
    this.more = root.querySelector('[data-search-more]');
    this.engine = new Engine();
    this.sequence = 0;
    this.timer = null;
    this.state = null;
  }

  SearchPage.prototype.setStatus = function (text, kind) {
    this.status.textContent = text;
    this.root.setAttribute('data-search-state', kind);
  };

  SearchPage.prototype.start = function () {
    var self = this, form = this.input.form;
    var params = new URLSearchParams(window.location.search);
    this.input.value = params.get('q') || '';
    form.addEventListener('submit', function (event) { event.preventDefault(); self.run(); });
    this.input.addEventListener('input', function () {
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.run(); }, DEBOUNCE_MS);
    });
    this.input.addEventListener('keydown', function (event) {
      if (event.key === 'ArrowDown') { var a = self.list.querySelector('a'); if (a) { event.preventDefault(); a.focus(); } }
      if (event.key === 'Escape') { self.input.value = ''; self.run(); }
    });
    this.list.addEventListener('keydown', function (event) { self.moveFocus(event); });
    this.more.addEventListener('click', function () { self.showMore(); });
    this.run();
  };

  SearchPage.prototype.moveFocus = function (event) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    var links = Array.prototype.map.call(this.list.children, function (li) { return li.querySelector('a'); });
    var at = links.indexOf(document.activeElement);
    if (at === -1) return;
    event.preventDefault();
    var next = at + (event.key === 'ArrowDown' ? 1 : -1);
    if (next < 0) this.input.focus();
    else if (next < links.length) links[next].focus();
  };

  SearchPage.prototype.updateUrl = function (query) {
    try {
      var url = new URL(window.location.href);
      if (query) url.searchParams.set('q', query); else url.searchParams.delete('q');
      window.history.replaceState(null, '', url.toString());
    } catch (e) { /* some file:// setups refuse history changes; the results still show */ }
  };

  SearchPage.prototype.run = function () {
    var self = this, query = this.input.value, seq = ++this.sequence;
    this.updateUrl(query.trim());
    var terms = queryTerms(query);
    this.list.textContent = '';
    this.more.hidden = true;
    if (!query.trim()) {
      this.setStatus('输入关键词搜索全部文章：汉字、拼音（如 diandongche）、数字或字母。', 'empty');
      return Promise.resolve();
    }
    if (!terms.length) {
      this.setStatus('请至少输入两个汉字，或一个拼音、数字、字母词。', 'short');
      return Promise.resolve();
    }
    this.setStatus('正在搜索…', 'loading');
    return this.engine.candidates(terms).then(function (hits) {
      if (seq !== self.sequence) return;
      self.state = { query: query, hits: hits, needles: queryNeedles(query), phrases: phrasesToVerify(query),
                     shown: 0, rejected: 0, verifiedAll: false };
      return self.verifyAllIfCheap(seq).then(function () {
        if (seq === self.sequence) return self.showMore();
      });
    }).catch(function (error) {
      if (seq !== self.sequence) return;
      self.setStatus('搜索数据无法加载（' + error.message + '）。', 'error');
    });
  };

  // Every bigram of the query is required, so candidates hold all of them; a phrase of 3+
  // characters must also occur as written. When the candidates' text is cheap to fetch, check all
  // of them so that the count is exact; otherwise check the ones shown.
  SearchPage.prototype.verifyAllIfCheap = function (seq) {
    var self = this, state = this.state;
    if (!state.phrases.length) { state.verifiedAll = true; return Promise.resolve(); }
    var chunks = {};
    state.hits.forEach(function (h) { chunks[self.engine.chunkKey(h.ref).key] = true; });
    if (Object.keys(chunks).length > VERIFY_ALL_CHUNKS) return Promise.resolve();
    return this.engine.records(state.hits.map(function (h) { return h.ref; })).then(function (records) {
      if (seq !== self.sequence) return;
      state.hits = state.hits.filter(function (h, i) { return records[i] && recordContains(records[i], state.phrases); });
      state.verifiedAll = true;
    });
  };

  SearchPage.prototype.showMore = function () {
    var self = this, state = this.state, seq = this.sequence;
    var page = state.hits.slice(state.shown, state.shown + PAGE_SIZE);
    return this.engine.records(page.map(function (h) { return h.ref; })).then(function (records) {
      if (seq !== self.sequence) return;
      records.forEach(function (record) {
        if (!record || (state.phrases.length && !recordContains(record, state.phrases))) { state.rejected++; return; }
        self.list.appendChild(renderResult(record, state.needles));
      });
      state.shown += page.length;
      var count = state.hits.length - state.rejected;
      if (count <= 0) {
        self.setStatus('没有找到包含“' + state.query.trim() + '”的文章。换个说法，或减少几个字再试。', 'none');
      } else {
        self.setStatus((state.verifiedAll ? '找到 ' : '约 ') + count + ' 篇文章', 'results');
      }
      self.more.hidden = state.shown >= state.hits.length;
    });
  };

  window.BulletinSearch = {
    normalize: normalize, splitRuns: splitRuns, queryTerms: queryTerms, bucketOf: bucketOf,
    fnv1a: fnv1a, Engine: Engine
  };

  function init() {
    var root = document.querySelector('[data-search-page]');
    if (root) new SearchPage(root).start();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
