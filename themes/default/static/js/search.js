/* Client-side search of the archive (lunr.js), online and from file://.
 *
 * The search data (built by generator/search) is a set of scripts under search/ that register
 * themselves in window.bulletinSearchData: a manifest (fields, boosts, archive totals, shards), the
 * field lengths of each shard's documents, index buckets (a shard's terms split by a hash, with their
 * term frequencies) and store chunks (display data). A query loads the lengths (once) and only the
 * buckets of its own terms from every shard, computes lunr's BM25 weights for the postings of its
 * terms with the archive's totals (so the weights are those of one lunr index over every article),
 * finds the documents that hold every required term, and has lunr.js rank them a page at a time,
 * best first, over an index of just those documents (see Ranking). It then loads the store chunks of
 * the results it shows, the first one alone so that it shows early.
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
  var FIRST_ALONE = 2; // results fetched one at a time before the rest of a page is fetched at once
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

  // Characters that NFKC and lower case leave alone are skipped (most of an article).
  var MAY_FOLD = /[^\u4e00-\u9fffa-z0-9 \n\u3001\u3002\u201c\u201d\u2018\u2019\u300a\u300b]/gu;

  var folded = new Map();

  function foldChar(ch) {
    var f = folded.get(ch);
    if (f === undefined) folded.set(ch, f = normalizeChar(ch));
    return f;
  }

  function normalize(text) {
    return text.replace(MAY_FOLD, foldChar);
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

  // --- lunr's numbers ------------------------------------------------------------------------------
  // The index files hold term frequencies and field lengths; the weights are computed here as
  // lunr's builder computes them (lunr.idf and BM25 in lunr.Builder#createFieldVectors, rounded to
  // 3 decimals) with the totals of the whole archive, so they are those of one lunr index over
  // every article (generator/search/indexer.py: lunr_weights).

  function lunrIdf(postings, documents) {
    return Math.log(1 + Math.abs((documents - postings + 0.5) / (postings + 0.5)));
  }

  function lunrWeight(idf, tf, length, average, boost, k1, b) {
    var score = idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (length / average)) + tf);
    return Math.round(score * boost * 1000) / 1000;
  }

  // Postings of one field: doc gaps, each preceded by -tf when tf > 1 (indexer.py: _encode).
  function eachPosting(encoded, fn) {
    var doc = 0, tf = 1;
    for (var i = 0; i < encoded.length; i++) {
      var v = encoded[i];
      if (v < 0) { tf = -v; continue; }
      doc += v;
      fn(doc, tf);
      tf = 1;
    }
  }

  function postingCount(encoded) {
    var n = 0;
    for (var i = 0; i < encoded.length; i++) if (encoded[i] >= 0) n++;
    return n;
  }

  // --- the engine ----------------------------------------------------------------------------------

  var WINDOW = 20; // lunr ranks the candidates this many at a time, best first (a page)

  function Engine() {
    this.manifest = null;
    this.shards = [];
    this.buckets = Object.create(null); // "shard/bucket" -> Map(term -> entry)
    this.lengths = Object.create(null); // shard id -> [field lengths of doc 0, of doc 1, …]
    this.fetches = Object.create(null); // data key -> promise of its load
  }

  Engine.prototype.ready = function () {
    var self = this;
    if (self.manifest) return Promise.resolve(self.manifest);
    return loadData('manifest').then(function (manifest) {
      if (!manifest) throw new Error('search data missing');
      if (typeof lunr === 'undefined') throw new Error('lunr.js missing');
      var offset = 0;
      self.shards = manifest.shards.map(function (s) {
        var shard = { id: s.id, docs: s.docs, buckets: s.buckets, chunk: s.chunk, offset: offset };
        offset += s.docs;
        return shard;
      });
      self.averages = manifest.lengths.map(function (sum) { return sum / manifest.docs; });
      self.manifest = manifest;
      return manifest;
    });
  };

  // Everything a query needs: each shard's field lengths and the buckets of the query's terms. (A
  // query waits for loads another query started: its results need them too.)
  Engine.prototype.load = function (terms) {
    var self = this, wanted = [];
    self.shards.forEach(function (shard) {
      wanted.push(self.fetch('n/' + shard.id, function (lengths) { self.lengths[shard.id] = lengths || []; }));
      terms.forEach(function (t) {
        var key = shard.id + '/' + bucketOf(t.term, shard.buckets);
        wanted.push(self.fetch('i/' + key, function (payload) {
          var map = new Map();
          (payload || []).forEach(function (entry) { map.set(entry[0], entry); });
          self.buckets[key] = map;
        }));
      });
    });
    return Promise.all(wanted);
  };

  Engine.prototype.fetch = function (key, use) {
    return this.fetches[key] || (this.fetches[key] = loadData(key).then(use));
  };

  // term -> [{shard, entry}] for the index terms a query term stands for: itself, or every term it
  // begins (a trailing wildcard); only the term's own bucket can hold them.
  Engine.prototype.expand = function (t) {
    var self = this, found = new Map();
    self.shards.forEach(function (shard) {
      var bucket = self.buckets[shard.id + '/' + bucketOf(t.term, shard.buckets)];
      if (!bucket) return;
      function add(term, entry) {
        if (!found.has(term)) found.set(term, []);
        found.get(term).push({ shard: shard, entry: entry });
      }
      if (!t.prefix) {
        var entry = bucket.get(t.term);
        if (entry) add(t.term, entry);
        return;
      }
      bucket.forEach(function (entry, term) {
        if (term.lastIndexOf(t.term, 0) === 0) add(term, entry);
      });
    });
    return found;
  };

  Engine.prototype.search = function (terms) {
    var self = this;
    return self.ready().then(function () { return self.load(terms); }).then(function () {
      return new Ranking(self, terms);
    });
  };

  // Kept for callers of the first version: every hit, best first.
  Engine.prototype.candidates = function (terms) {
    return this.search(terms).then(function (ranking) { return ranking.slice(0, ranking.count); });
  };

  Engine.prototype.shardOf = function (doc) {
    var shards = this.shards, lo = 0, hi = shards.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (shards[mid].offset <= doc) lo = mid; else hi = mid - 1;
    }
    return shards[lo];
  };

  Engine.prototype.chunkKey = function (ref) {
    var doc = +ref, shard = this.shardOf(doc), local = doc - shard.offset;
    return { key: 's/' + shard.id + '/' + Math.floor(local / shard.chunk), offset: local % shard.chunk };
  };

  Engine.prototype.records = function (refs) {
    var self = this;
    return Promise.all(refs.map(function (ref) { return self.record(ref); }));
  };

  Engine.prototype.record = function (ref) {
    var where = this.chunkKey(ref);
    return loadData(where.key).then(function (chunk) {
      var r = chunk && chunk[where.offset];
      return r ? { ref: ref, url: r[0], title: r[1], issue: r[2], date: r[3], unit: r[4], text: r[5], extra: r[6] } : null;
    });
  };

  // The documents matching a query and their order, as lunr.js finds and orders them in one index of
  // the whole archive. A document must hold every required term (in any field); its lunr score is
  // the sum over its postings of query boost × weight, divided by the query vector's length (lunr's
  // cosine similarity with the query vector). Those sums are computed here for every candidate, which
  // is cheap; lunr.js itself then ranks the candidates WINDOW at a time from the best down, each time
  // over an index of just those documents and the query's terms (which gives the same scores), so a
  // term in every article costs lunr no more than a rare one.
  function Ranking(engine, terms) {
    var m = engine.manifest, fields = m.fields, boosts = m.boosts, total = m.docs;
    var nFields = fields.length, k1 = m.k1, b = m.b, averages = engine.averages;
    this.engine = engine;
    this.terms = terms;
    this.results = [];
    this.position = 0;
    this.candidates = [];
    this.count = 0;
    // expanded terms of each clause; the weight of each term in the query vector
    var clauses = terms.map(function (t) { return { t: t, expanded: engine.expand(t) }; });
    var termParts = new Map(), queryWeight = new Map();
    var impossible = clauses.some(function (c) { return c.t.required && c.expanded.size === 0; });
    if (impossible) return;
    clauses.forEach(function (c) {
      c.expanded.forEach(function (parts, term) {
        termParts.set(term, parts);
        queryWeight.set(term, (queryWeight.get(term) || 0) + c.t.boost);
      });
    });
    var termList = Array.from(termParts.keys()).sort(), norm = 0;
    termList.forEach(function (term) { norm += queryWeight.get(term) * queryWeight.get(term); });
    norm = Math.sqrt(norm);
    // weights of every posting of the query's terms, in flat arrays
    var pTerm = [], pField = [], pDoc = [], pWeight = [];
    var score = new Float64Array(total), docsOf = new Map();
    termList.forEach(function (term, termIndex) {
      var parts = termParts.get(term), postings = 0;
      parts.forEach(function (p) {
        for (var i = 1; i < p.entry.length; i += 2) postings += postingCount(p.entry[i + 1]);
      });
      var idf = lunrIdf(postings, total), qw = queryWeight.get(term), docs = [];
      parts.forEach(function (p) {
        var lengths = engine.lengths[p.shard.id], offset = p.shard.offset;
        for (var i = 1; i < p.entry.length; i += 2) {
          var f = p.entry[i], list = p.entry[i + 1], local = 0, tf = 1;
          for (var j = 0; j < list.length; j++) { // eachPosting, inline: this loop is the hot one
            if (list[j] < 0) { tf = -list[j]; continue; }
            local += list[j];
            var doc = offset + local;
            var w = lunrWeight(idf, tf, lengths[local * nFields + f], averages[f], boosts[f], k1, b);
            pTerm.push(termIndex); pField.push(f); pDoc.push(doc); pWeight.push(w);
            score[doc] += qw * w;
            docs.push(doc);
            tf = 1;
          }
        }
      });
      docsOf.set(term, docs);
    });
    // documents holding every required clause
    var required = clauses.filter(function (c) { return c.t.required; });
    var hits = new Int32Array(total), stamp = new Int32Array(total);
    required.forEach(function (c, ci) {
      c.expanded.forEach(function (parts, term) {
        docsOf.get(term).forEach(function (doc) {
          if (stamp[doc] !== ci + 1) { stamp[doc] = ci + 1; hits[doc]++; }
        });
      });
    });
    var candidates = [];
    if (required.length) {
      var first = required[0];
      stamp.fill(0);
      first.expanded.forEach(function (parts, term) {
        docsOf.get(term).forEach(function (doc) {
          if (!stamp[doc] && hits[doc] === required.length) { stamp[doc] = 1; candidates.push(doc); }
        });
      });
    }
    candidates.sort(function (x, y) { return score[y] - score[x] || x - y; });
    this.candidates = candidates;
    this.count = candidates.length;
    this.score = score;
    this.norm = norm;
    this.termList = termList;
    this.postings = { term: pTerm, field: pField, doc: pDoc, weight: pWeight };
  }

  // Hits start..end-1 ({ref, score}, best first), ranked by lunr.js.
  Ranking.prototype.slice = function (start, end) {
    end = Math.min(end, this.count);
    while (this.results.length < end && this.position < this.candidates.length) this.rankWindow();
    return this.results.slice(start, end);
  };

  Ranking.prototype.rankWindow = function () {
    var c = this.candidates, score = this.score, from = this.position;
    var to = Math.min(c.length, from + WINDOW);
    // never cut between documents whose scores differ by rounding only
    while (to < c.length && score[c[to]] >= score[c[to - 1]] * (1 - 1e-9)) to++;
    this.results.push.apply(this.results, this.lunrRank(c.slice(from, to)));
    this.position = to;
  };

  // lunr.js over an index of the given documents and the query's terms only.
  Ranking.prototype.lunrRank = function (docs) {
    if (!docs.length) return [];
    var fields = this.engine.manifest.fields, p = this.postings, member = new Set(docs);
    var inverted = this.termList.map(function (term, i) {
      var posting = { _index: i };
      fields.forEach(function (f) { posting[f] = {}; });
      return [term, posting];
    });
    var vectors = new Map();
    for (var i = 0; i < p.doc.length; i++) {
      var doc = p.doc[i];
      if (!member.has(doc)) continue;
      var field = fields[p.field[i]];
      inverted[p.term[i]][1][field][doc] = {};
      var key = field + '/' + doc, vector = vectors.get(key);
      if (!vector) vectors.set(key, vector = []);
      vector.push(p.term[i], p.weight[i]); // postings run term by term: elements stay sorted
    }
    var index = lunr.Index.load({
      version: lunr.version, fields: fields, pipeline: [], invertedIndex: inverted,
      fieldVectors: Array.from(vectors.entries())
    });
    var terms = this.terms;
    return index.query(function (q) {
      terms.forEach(function (t) {
        q.term(t.term, {
          usePipeline: false,
          boost: t.boost,
          presence: t.required ? lunr.Query.presence.REQUIRED : lunr.Query.presence.OPTIONAL,
          wildcard: t.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE
        });
      });
    }).map(function (r) { return { ref: r.ref, score: r.score }; });
  };

  // Every candidate ranked by lunr.js at once (what the windows add up to; for tests and benchmarks).
  Ranking.prototype.lunrAll = function () { return this.lunrRank(this.candidates); };

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
  // offset of that character in the original text (null when nothing was joined: the same offsets;
  // normalize keeps every UTF-16 offset).
  var JOINERS = new RegExp('[\\s' + QUOTE_MARKS + ']+', 'g');
  var CJK_CHAR = new RegExp('^[' + CJK + ']$');

  function compact(text) {
    var norm = normalize(text), kept = [], at = 0, m;
    // INDEX_JOIN's matches, found without its lookbehind (which costs a test at every character)
    JOINERS.lastIndex = 0;
    while ((m = JOINERS.exec(norm)) !== null) {
      var end = m.index + m[0].length;
      if (m.index > 0 && end < norm.length && CJK_CHAR.test(norm[m.index - 1]) && CJK_CHAR.test(norm[end])) {
        kept.push(at, m.index);
        at = end;
      }
    }
    if (!kept.length) return { text: norm, map: null };
    kept.push(at, norm.length);
    var map = new Int32Array(norm.length), out = [], n = 0;
    for (var i = 0; i < kept.length; i += 2) {
      out.push(norm.slice(kept[i], kept[i + 1]));
      for (var j = kept[i]; j < kept[i + 1]; j++) map[n++] = j;
    }
    return { text: out.join(''), map: map };
  }

  // A phrase found in the raw text is in the compacted text too (its characters are CJK, which
  // normalising leaves alone, and nothing is dropped between adjacent ones): only a miss costs the
  // full check.
  function recordContains(record, phrases) {
    var raw = [record.title, record.unit || '', record.text, record.extra || ''].join('\n'), hay = null;
    return phrases.every(function (p) {
      if (raw.indexOf(p) !== -1) return true;
      if (hay === null) hay = compact(raw).text;
      return hay.indexOf(p) !== -1;
    });
  }

  // [start, end) ranges in `text` where a needle occurs (a CJK needle that does not occur whole
  // falls back to its bigrams), merged and sorted.
  function matchRanges(text, needles) {
    var c = compact(text), norm = c.text, ranges = [];
    function mark(n) {
      if (!n) return false;
      var found = false, from = 0, at;
      while ((at = norm.indexOf(n, from)) !== -1) {
        ranges.push(c.map ? [c.map[at], c.map[at + n.length - 1] + 1] : [at, at + n.length]);
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

  var SNIPPET_BEFORE = 30, SNIPPET_LENGTH = 130;

  // About SNIPPET_LENGTH characters of the text from a little before the first match, matches
  // highlighted. The first match is looked up in the raw text first (the usual case: a needle as
  // written), so that only the snippet's neighbourhood is normalised and searched for highlights.
  function snippet(parent, text, needles) {
    var first = -1, ranges;
    needles.forEach(function (n) {
      var at = text.indexOf(n);
      if (at !== -1 && (first === -1 || at < first)) first = at;
    });
    if (first === -1) {
      ranges = matchRanges(text, needles);
      first = ranges.length ? ranges[0][0] : 0;
    } else {
      var from = Math.max(0, first - SNIPPET_BEFORE - 20), to = Math.min(text.length, from + SNIPPET_LENGTH + 60);
      ranges = matchRanges(text.slice(from, to), needles).map(function (r) { return [r[0] + from, r[1] + from]; });
    }
    var start = Math.max(0, first - SNIPPET_BEFORE), end = Math.min(text.length, start + SNIPPET_LENGTH);
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
    this.more.addEventListener('click', function () { self.clickMore(); });
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

  // The address shows the query (to share or reload it). Changed in a task of its own: a history
  // change costs a few milliseconds (more from file://) that the results need not wait for.
  SearchPage.prototype.updateUrl = function (query) {
    var self = this;
    this.pendingUrl = query;
    if (this.urlTimer) return;
    this.urlTimer = setTimeout(function () {
      self.urlTimer = null;
      try {
        var url = new URL(window.location.href);
        if (self.pendingUrl) url.searchParams.set('q', self.pendingUrl); else url.searchParams.delete('q');
        if (url.toString() !== window.location.href) window.history.replaceState(null, '', url.toString());
      } catch (e) { /* some file:// setups refuse history changes; the results still show */ }
    }, 0);
  };

  SearchPage.prototype.run = function () {
    var self = this, query = this.input.value, seq = ++this.sequence;
    this.updateUrl(query.trim());
    var terms = queryTerms(query);
    this.list.textContent = '';
    this.more.hidden = true;
    this.state = null;
    if (!query.trim()) {
      this.setStatus('输入关键词搜索全部文章：汉字、拼音（如 diandongche）、数字或字母。', 'empty');
      return Promise.resolve();
    }
    if (!terms.length) {
      this.setStatus('请至少输入两个汉字，或一个拼音、数字、字母词。', 'short');
      return Promise.resolve();
    }
    this.setStatus('正在搜索…', 'loading');
    return this.engine.search(terms).then(function (ranking) {
      if (seq !== self.sequence) return;
      self.state = { query: query, ranking: ranking, needles: queryNeedles(query), phrases: phrasesToVerify(query),
                     shown: 0, accepted: 0, rejected: 0, verified: -1 };
      return self.showMore().then(function () {
        return self.verifyAllIfCheap(seq);
      }).then(function () {
        if (seq === self.sequence) self.updateStatus(true);
      });
    }).catch(function (error) {
      if (seq !== self.sequence) return;
      self.setStatus('搜索数据无法加载（' + error.message + '）。', 'error');
    });
  };

  // Status line: the count (exact once every candidate is checked, "about" while phrases are
  // checked only on the results shown); the page state stays "loading" until `final`.
  SearchPage.prototype.updateStatus = function (final) {
    var state = this.state;
    var exact = state.verified >= 0, count = exact ? state.verified : state.ranking.count - state.rejected;
    if (final && count <= 0 && state.accepted === 0) {
      this.setStatus('没有找到包含“' + state.query.trim() + '”的文章。换个说法，或减少几个字再试。', 'none');
    } else if (count > 0 || state.accepted > 0) {
      this.setStatus((exact ? '找到 ' : '约 ') + Math.max(count, state.accepted) + ' 篇文章', final ? 'results' : 'loading');
    }
  };

  // Every bigram of the query is required, so candidates hold all of them; a phrase of 3+
  // characters must also occur as written. When the candidates' text is cheap to fetch, check all
  // of them (after the first page shows) so that the count is exact; otherwise check the ones shown.
  SearchPage.prototype.verifyAllIfCheap = function (seq) {
    var self = this, state = this.state, ranking = state.ranking;
    if (!state.phrases.length) { state.verified = ranking.count; return Promise.resolve(); }
    var chunks = new Set(), candidates = ranking.candidates;
    for (var i = 0; i < candidates.length && chunks.size <= VERIFY_ALL_CHUNKS; i++) {
      chunks.add(this.engine.chunkKey(candidates[i]).key);
    }
    if (chunks.size > VERIFY_ALL_CHUNKS) return Promise.resolve();
    return this.engine.records(ranking.candidates).then(function (records) {
      if (seq !== self.sequence) return;
      state.verified = records.filter(function (r) { return r && recordContains(r, state.phrases); }).length;
    });
  };

  // The next page of results, shown one by one in rank order as their text arrives: the first
  // result's store chunk is fetched on its own, so that it shows as early as possible.
  SearchPage.prototype.showMore = function () {
    var self = this, state = this.state, seq = this.sequence, engine = this.engine;
    var page = state.ranking.slice(state.shown, state.shown + PAGE_SIZE);
    state.shown += page.length;
    function show(record) {
      if (seq !== self.sequence) return;
      if (!record || (state.phrases.length && !recordContains(record, state.phrases))) { state.rejected++; return; }
      self.list.appendChild(renderResult(record, state.needles));
      state.accepted++;
      if (state.accepted === 1) self.updateStatus(false);
    }
    var next = 0;
    function head() {
      if (next >= page.length || next >= FIRST_ALONE || state.accepted > 0 || seq !== self.sequence) return Promise.resolve();
      return engine.record(page[next++].ref).then(show).then(head);
    }
    return head().then(function () {
      var pending = page.slice(next).map(function (hit) { return engine.record(hit.ref); });
      return pending.reduce(function (chain, record) {
        return chain.then(function () { return record; }).then(show);
      }, Promise.resolve());
    }).then(function () {
      if (seq !== self.sequence) return;
      self.more.hidden = state.shown >= state.ranking.count;
      self.updateStatus(state.verified >= 0 || !state.phrases.length);
    });
  };

  SearchPage.prototype.clickMore = function () {
    var self = this, seq = this.sequence;
    this.root.setAttribute('data-search-state', 'loading');
    return this.showMore().then(function () { if (seq === self.sequence) self.updateStatus(true); });
  };

  var api = window.BulletinSearch = {
    normalize: normalize, splitRuns: splitRuns, queryTerms: queryTerms, bucketOf: bucketOf,
    fnv1a: fnv1a, lunrIdf: lunrIdf, lunrWeight: lunrWeight, eachPosting: eachPosting, Engine: Engine,
    page: null // the search page's SearchPage: page.input.value = q; page.run() returns a promise
  };

  function init() {
    var root = document.querySelector('[data-search-page]');
    if (root) {
      api.page = new SearchPage(root);
      api.page.start();
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
