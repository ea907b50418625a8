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
 * Query terms mirror generator/search/terms.py (normalize, splitRuns, bucketOf) and
 * tests/query_port.py (queryTerms): keep them in step (tests/test_search_reader.py compares them in
 * Node on random strings; in Node this file exports its pure functions as a module).
 *
 * What a query finds (Engine#find): the query as typed and each synonym form of it (the manifest's
 * table: 电诈 -> 电信诈骗 …); a query with a character pair that occurs nowhere is first folded from
 * traditional characters (the table search/t2s.js, loaded only then) and, if still missing, falls
 * back to the longest pieces that occur (诈骗老人 -> 诈骗 + 老人), shown below full matches and
 * marked partial. Within a result list, documents holding every Latin/number word of the query
 * literally rank above those matching it only through pinyin (AI above the syllable ai).
 */
(function (global) {
  'use strict';

  var hasDocument = typeof document !== 'undefined';

  var DATA = 'bulletinSearchData';
  var CJK = '\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007';
  var CJK_ONLY = new RegExp('^[' + CJK + ']+$');
  // Quote marks inside a phrase are dropped between CJK characters (通过“智慧巡防”系统 contains
  // 智慧巡防系统); the index side also drops whitespace there, the query side keeps it as a separator.
  var QUOTE_MARKS = '"\'\u201c\u201d\u2018\u2019\u300a\u300b\u3008\u3009\u300c\u300d\u300e\u300f\u3010\u3011\u3014\u3015';
  // Whitespace spelled out as terms.py WHITESPACE: JavaScript's \s and Python's differ (U+FEFF,
  // U+001C-U+001F, U+0085).
  var WS = '\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';
  var WS_CHAR = new RegExp('^[' + WS + ']$');
  var INDEX_JOIN = new RegExp('(?<=[' + CJK + '])[' + WS + QUOTE_MARKS + ']+(?=[' + CJK + '])', 'g');
  var QUERY_JOIN = new RegExp('(?<=[' + CJK + '])[' + QUOTE_MARKS + ']+(?=[' + CJK + '])', 'g');
  var PAGE_SIZE = 20;
  var VERIFY_ALL_CHUNKS = 40; // check every candidate when their text costs at most this many chunks
  var FIRST_ALONE = 2; // results fetched one at a time before the rest of a page is fetched at once
  var DEBOUNCE_MS = 150;

  var currentScript = hasDocument ? document.currentScript : null;
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

  // Traditional -> simplified (search/t2s.js, from OpenCC's data: generator/search/make_t2s.py),
  // applied after NFKC as terms.normalize_char does; null until loaded.
  var t2s = null, T2S_RE = null;

  function setT2S(pairs) {
    if (t2s || typeof pairs !== 'string') return;
    var map = new Map(), keys = [];
    for (var i = 0; i + 1 < pairs.length; i += 2) { map.set(pairs[i], pairs[i + 1]); keys.push(pairs[i]); }
    t2s = map;
    T2S_RE = new RegExp('[' + keys.join('') + ']', 'g');
  }

  function t2sChar(ch) { return t2s.get(ch); }

  function normalize(text) {
    var out = text.replace(MAY_FOLD, foldChar);
    return t2s ? out.replace(T2S_RE, t2sChar) : out;
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

  // What lunr is asked for (tests/query_port.py is its Python port): every bigram and Latin token
  // is required, a CJK run of 3+ characters is also offered whole (favouring articles where jieba saw
  // it as a word), a lone CJK character is one term (the "chars" field: titles and names); the last
  // Latin token of a query typed without a trailing space may be unfinished: it matches as a prefix.
  function queryTerms(query) {
    var runs = splitRuns(query, true);
    var stillTyping = query.length > 0 && !WS_CHAR.test(query[query.length - 1]);
    var terms = [];
    runs.forEach(function (run, position) {
      if (run.kind === 'cjk' && run.text.length === 1) {
        terms.push({ term: run.text, required: true, prefix: false, boost: 1 });
      } else if (run.kind === 'cjk') {
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

  // The query and each synonym form of it: every key of the table found in the normalised query is
  // replaced by each of its forms (as a word of its own), one key at a time; at most MAX_VARIANTS.
  var MAX_VARIANTS = 8;

  function queryVariants(query, synonyms) {
    var norm = normalize(query), variants = [query];
    (synonyms || []).forEach(function (entry) {
      var key = entry[0], at = norm.indexOf(key);
      if (!key || at === -1) return;
      entry[1].forEach(function (form) {
        var variant = norm.slice(0, at) + ' ' + form + ' ' + norm.slice(at + key.length);
        if (variants.length < MAX_VARIANTS && variants.indexOf(variant) === -1) variants.push(variant);
      });
    });
    return variants;
  }

  // The pieces of a query that cover it when some of its character pairs occur nowhere: each CJK
  // run cut at the missing pairs (诈骗老人 with 骗老 missing -> 诈骗, 老人). null when a piece would be
  // one lone character or a Latin word is missing: nothing covers the query then (no loose matching
  // of single characters).
  function coveringPieces(query, occurs) {
    var pieces = [], covered = true, cut = false;
    splitRuns(query, true).forEach(function (run) {
      if (run.kind !== 'cjk') {
        if (!occurs(run.text)) covered = false;
        pieces.push(run.text);
        return;
      }
      if (run.text.length === 1) {
        if (!occurs(run.text)) covered = false;
        pieces.push(run.text);
        return;
      }
      var start = 0;
      for (var i = 0; i + 1 < run.text.length; i++) {
        if (!occurs(run.text.slice(i, i + 2))) {
          cut = true;
          if (i + 1 - start < 2) covered = false;
          else pieces.push(run.text.slice(start, i + 1));
          start = i + 1;
        }
      }
      if (run.text.length - start < 2) covered = false;
      else pieces.push(run.text.slice(start));
    });
    return covered && cut ? pieces : null;
  }

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
    this.units = Object.create(null); // shard id -> {names: [unit], of: [[unit index, …] per doc]}
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
        var shard = { id: s.id, docs: s.docs, buckets: s.buckets, chunk: s.chunk, offset: offset,
                      years: s.years || [] };
        offset += s.docs;
        return shard;
      });
      self.synonyms = manifest.synonyms || [];
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
      wanted.push(self.fetch('n/' + shard.id, function (data) { self.lengths[shard.id] = (data && data.l) || []; }));
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

  Engine.prototype.search = function (terms, accept) {
    var self = this;
    return self.ready().then(function () { return self.load(terms); }).then(function () {
      return new Ranking(self, terms, accept);
    });
  };

  Engine.prototype.occurs = function (term) {
    var latin = !CJK_ONLY.test(term);
    return this.expand({ term: term, prefix: false }).size > 0 ||
      (latin && term.length >= 2 && this.expand({ term: term, prefix: true }).size > 0);
  };

  Engine.prototype.missing = function (terms) {
    var self = this;
    return terms.some(function (t) { return t.required && self.expand(t).size === 0; });
  };

  Engine.prototype.loadT2S = function () {
    return this.fetch('t2s', setT2S);
  };

  // Everything a query finds: {groups: [{query, terms, partial, pieces, ranking}], list}. Variants
  // (synonym forms) are searched together; a variant with a missing pair folds traditional
  // characters first (loading the table), then falls back to its covering pieces. `accept(doc)` is
  // the filter (year, unit); each ranking also keeps every match (`matched`) for the filter counts.
  Engine.prototype.find = function (query, accept) { return this.findForms(query, accept, false); };

  Engine.prototype.findForms = function (query, accept, folded) {
    var self = this;
    return self.ready().then(function () {
      var variants = queryVariants(query, self.synonyms);
      var plans = variants.map(function (v) { return { query: v, terms: queryTerms(v) }; });
      var all = [];
      plans.forEach(function (p) { all.push.apply(all, p.terms); });
      return self.load(all).then(function () {
        // a pair of the query as typed occurs nowhere: it may be written in traditional characters
        if (!folded && !t2s && self.missing(plans[0].terms)) {
          return self.loadT2S().then(function () { return self.findForms(normalize(query), accept, true); });
        }
        var full = [], partial = [], extra = [];
        plans.forEach(function (p) {
          if (!self.missing(p.terms)) { full.push(p); return; }
          var pieces = coveringPieces(p.query, function (term) { return self.occurs(term); });
          if (pieces) {
            var q = pieces.join(' ') + (WS_CHAR.test(p.query[p.query.length - 1] || ' ') ? ' ' : '');
            var terms = queryTerms(q);
            partial.push({ query: q, terms: terms, partial: true, pieces: pieces });
            extra.push.apply(extra, terms);
          }
        });
        return self.load(extra).then(function () {
          var groups = full.concat(partial);
          groups.forEach(function (g) { g.ranking = new Ranking(self, g.terms, accept); });
          return { query: query, groups: groups, list: new ResultList(groups) };
        });
      });
    });
  };

  // The units of every document (the unit filter): not needed for the first results.
  Engine.prototype.loadUnits = function () {
    var self = this;
    return self.ready().then(function () {
      return Promise.all(self.shards.map(function (shard) {
        return self.fetch('f/' + shard.id, function (data) {
          self.units[shard.id] = { names: (data && data.units) || [], of: (data && data.u) || [] };
        });
      }));
    });
  };

  // Facet tables, built once the units are loaded: per document a year index and its unit indexes
  // (CSR: unitStart[doc] .. unitStart[doc + 1] in unitIds), names in years / unitNames.
  Engine.prototype.facets = function () {
    if (this.facetTable) return this.facetTable;
    var self = this, total = this.manifest.docs, years = [], yearIndex = new Map();
    var yearOf = new Int32Array(total), unitNames = [], unitIndex = new Map();
    var unitStart = new Int32Array(total + 1), ids = [];
    this.shards.forEach(function (shard) {
      var doc = shard.offset, units = self.units[shard.id] || { names: [], of: [] };
      var local = units.names.map(function (name) {
        if (!unitIndex.has(name)) { unitIndex.set(name, unitNames.length); unitNames.push(name); }
        return unitIndex.get(name);
      });
      shard.years.forEach(function (run) {
        if (!yearIndex.has(run[0])) { yearIndex.set(run[0], years.length); years.push(run[0]); }
        for (var i = 0; i < run[1]; i++) yearOf[doc + i] = yearIndex.get(run[0]);
        doc += run[1];
      });
      for (var d = 0; d < shard.docs; d++) {
        unitStart[shard.offset + d] = ids.length;
        (units.of[d] || []).forEach(function (u) { ids.push(local[u]); });
      }
    });
    unitStart[total] = ids.length;
    if (!this.shards.every(function (s) { return self.units[s.id]; })) return { years: years, yearOf: yearOf,
      unitNames: [], unitIndex: new Map(), unitStart: new Int32Array(total + 1), unitIds: new Int32Array(0) };
    return (this.facetTable = { years: years, yearOf: yearOf, unitNames: unitNames, unitIndex: unitIndex,
                                unitStart: unitStart, unitIds: Int32Array.from(ids) });
  };

  Engine.prototype.yearOf = function (doc) {
    var shard = this.shardOf(doc), local = doc - shard.offset;
    for (var i = 0; i < shard.years.length; i++) {
      if (local < shard.years[i][1]) return shard.years[i][0];
      local -= shard.years[i][1];
    }
    return null;
  };

  Engine.prototype.unitsOf = function (doc) {
    var shard = this.shardOf(doc), units = this.units[shard.id];
    var ids = (units && units.of[doc - shard.offset]) || [];
    return ids.map(function (i) { return units.names[i]; });
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
    var self = this;
    return loadData(where.key).then(function (chunk) {
      var r = chunk && chunk[where.offset];
      if (!r) return null;
      var record = { ref: ref, url: r[0], title: r[1], issue: r[2], date: r[3], unit: r[4], text: r[5], extra: r[6] };
      // a record printed in traditional characters is checked and highlighted folded
      return r[7] === 1 && !t2s ? self.loadT2S().then(function () { return record; }) : record;
    });
  };

  // The documents matching a query and their order, as lunr.js finds and orders them in one index of
  // the whole archive. A document must hold every required term (in any field); its lunr score is
  // the sum over its postings of query boost × weight, divided by the query vector's length (lunr's
  // cosine similarity with the query vector). Those sums are computed here for every candidate, which
  // is cheap; lunr.js itself then ranks the candidates WINDOW at a time from the best down, each time
  // over an index of just those documents and the query's terms (which gives the same scores), so a
  // term in every article costs lunr no more than a rare one.
  function Ranking(engine, terms, accept) {
    var m = engine.manifest, fields = m.fields, boosts = m.boosts, total = m.docs;
    var nFields = fields.length, k1 = m.k1, b = m.b, averages = engine.averages;
    this.engine = engine;
    this.terms = terms;
    this.results = [];
    this.position = 0;
    this.candidates = [];
    this.matched = [];
    this.tier = null;
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
    var matched = [];
    if (required.length) {
      var first = required[0];
      stamp.fill(0);
      first.expanded.forEach(function (parts, term) {
        docsOf.get(term).forEach(function (doc) {
          if (!stamp[doc] && hits[doc] === required.length) { stamp[doc] = 1; matched.push(doc); }
        });
      });
    }
    // Literal before pinyin: tier 0 holds the documents with every Latin clause in a field other
    // than pinyin (the word as printed), tier 1 the others (when the query has Latin words).
    var latin = clauses.filter(function (c) { return c.t.required && !CJK_ONLY.test(c.t.term); });
    var pinyinField = fields.indexOf('pinyin'), tier = null;
    if (latin.length && pinyinField !== -1 && latin.length < 31) {
      var literal = new Int32Array(total), clausesOf = new Map(), all = (1 << latin.length) - 1;
      var indexOf = new Map(termList.map(function (term, i) { return [term, i]; }));
      latin.forEach(function (c, ci) {
        c.expanded.forEach(function (parts, term) {
          var ti = indexOf.get(term);
          clausesOf.set(ti, (clausesOf.get(ti) || 0) | (1 << ci));
        });
      });
      for (var i = 0; i < pTerm.length; i++) {
        if (pField[i] !== pinyinField) {
          var bits = clausesOf.get(pTerm[i]);
          if (bits) literal[pDoc[i]] |= bits;
        }
      }
      tier = function (doc) { return literal[doc] === all ? 0 : 1; };
    }
    this.matched = matched;
    var candidates = accept ? matched.filter(accept) : matched.slice();
    candidates.sort(function (x, y) {
      return (tier ? tier(x) - tier(y) : 0) || score[y] - score[x] || x - y;
    });
    this.tier = tier;
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
    // never cut between documents whose scores differ by rounding only; never mix tiers
    var tier = this.tier;
    if (tier) {
      var t = tier(c[from]);
      for (var k = from + 1; k < to; k++) if (tier(c[k]) !== t) { to = k; break; }
    }
    while (to < c.length && (!tier || tier(c[to]) === tier(c[to - 1])) && score[c[to]] >= score[c[to - 1]] * (1 - 1e-9)) to++;
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

  Ranking.prototype.scoreOf = function (doc) { return this.norm ? this.score[doc] / this.norm : 0; };

  // The results of a query's groups in one list: full matches first, then partial ones (each
  // document once, in its best group). One full group keeps its ranking as is (lunr.js's order); the
  // forms of several are merged by score, tier first.
  function ResultList(groups) {
    var full = groups.filter(function (g) { return !g.partial; });
    var partial = groups.filter(function (g) { return g.partial; });
    this.segments = [];
    var seen = new Set(), self = this;
    [full, partial].forEach(function (gs) {
      if (!gs.length) return;
      if (gs.length === 1 && !seen.size) {
        gs[0].ranking.candidates.forEach(function (d) { seen.add(d); });
        self.segments.push({ group: gs[0], ranking: gs[0].ranking, count: gs[0].ranking.count });
        return;
      }
      var best = new Map();
      gs.forEach(function (g) {
        var r = g.ranking;
        r.candidates.forEach(function (doc) {
          if (seen.has(doc)) return;
          var key = [r.tier ? r.tier(doc) : 0, -r.scoreOf(doc)], old = best.get(doc);
          if (!old || key[0] < old.key[0] || (key[0] === old.key[0] && key[1] < old.key[1])) best.set(doc, { key: key, group: g });
        });
      });
      var hits = Array.from(best.entries()).sort(function (a, b) {
        return a[1].key[0] - b[1].key[0] || a[1].key[1] - b[1].key[1] || a[0] - b[0];
      }).map(function (e) { seen.add(e[0]); return { ref: String(e[0]), score: -e[1].key[1], group: e[1].group }; });
      self.segments.push({ hits: hits, count: hits.length, partial: gs[0].partial });
    });
    this.count = this.segments.reduce(function (n, s) { return n + s.count; }, 0);
    this.candidates = [];
    this.segments.forEach(function (s) {
      if (s.ranking) self.candidates.push.apply(self.candidates, s.ranking.candidates.map(String));
      else self.candidates.push.apply(self.candidates, s.hits.map(function (h) { return h.ref; }));
    });
    this.matched = []; // every match of every group, filters aside (full groups first)
    this.groupOf = new Map(); // doc -> the group it is shown in
    groups.forEach(function (g) {
      g.ranking.matched.forEach(function (d) {
        if (!self.groupOf.has(d)) { self.groupOf.set(d, g); self.matched.push(d); }
      });
    });
  }

  // Hits start..end-1: {ref, score, group} (group: the query form that found it; .partial).
  ResultList.prototype.slice = function (start, end) {
    var out = [], offset = 0;
    end = Math.min(end, this.count);
    this.segments.forEach(function (s) {
      var from = Math.max(start - offset, 0), to = Math.min(end - offset, s.count);
      if (to > from) {
        var part = s.ranking ? s.ranking.slice(from, to).map(function (h) { return { ref: h.ref, score: h.score, group: s.group }; })
          : s.hits.slice(from, to);
        out.push.apply(out, part);
      }
      offset += s.count;
    });
    return out;
  };

  // --- matching text: verification and highlighting -----------------------------------------------

  // Words of a query to highlight, and its phrases (3+ CJK characters) that must occur as written.
  function queryNeedles(query) {
    return splitRuns(query, true).map(function (run) { return run.text; });
  }

  function phrasesToVerify(query) {
    return splitRuns(query, true).filter(function (r) { return r.kind === 'cjk' && r.text.length >= 3; })
      .map(function (r) { return r.text; });
  }

  // The normalised text with the index side's joins applied, and for each of its characters the
  // offset of that character in the original text (null when nothing was joined: the same offsets;
  // normalize keeps every UTF-16 offset).
  var JOINERS = new RegExp('[' + WS + QUOTE_MARKS + ']+', 'g');
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
  function matchRanges(text, needles, compacted) {
    var c = compacted || compact(text), norm = c.text, ranges = [];
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

  var SNIPPET_BEFORE = 30, SNIPPET_LENGTH = 130, EXTRA_LENGTH = 50, MAX_EXTRA = 3;

  // About SNIPPET_LENGTH characters of the text from a little before the first match, plus a short
  // window around the first match of every query word the first window does not show (at most
  // MAX_EXTRA), matches highlighted: the reader sees each word of the query that the article holds.
  function snippet(parent, text, needles) {
    // where each needle first occurs: looked up in the raw text (the usual case: a needle as
    // written), the whole text normalised only for a needle not found so
    var firsts = [], c = null;
    needles.forEach(function (n) {
      var at = text.indexOf(n);
      if (at === -1) {
        c = c || compact(text);
        var r = matchRanges(text, [n], c);
        if (r.length) at = r[0][0];
      }
      if (at !== -1) firsts.push([at, at + n.length]);
    });
    firsts.sort(function (a, b) { return a[0] - b[0]; });
    var first = firsts.length ? firsts[0][0] : 0, start = Math.max(0, first - SNIPPET_BEFORE);
    var windows = [[start, Math.min(text.length, start + SNIPPET_LENGTH)]];
    firsts.forEach(function (f) {
      if (windows.length > MAX_EXTRA) return;
      if (windows.some(function (w) { return f[0] >= w[0] && f[1] <= w[1]; })) return;
      var from = Math.max(0, f[0] - 15);
      windows.push([from, Math.min(text.length, Math.max(from + EXTRA_LENGTH, f[1] + 5))]);
    });
    windows.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    windows.forEach(function (w) {
      var last = merged[merged.length - 1];
      if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]); else merged.push([w[0], w[1]]);
    });
    merged.forEach(function (w, i) {
      if (w[0] > 0 || i > 0) parent.appendChild(document.createTextNode('…'));
      // highlights of the window's neighbourhood only (a match may cross the window's edge)
      var from = Math.max(0, w[0] - 20), to = Math.min(text.length, w[1] + 20);
      var ranges = matchRanges(text.slice(from, to), needles).map(function (r) { return [r[0] + from, r[1] + from]; });
      appendHighlighted(parent, text, ranges, w[0], w[1]);
    });
    if (merged[merged.length - 1][1] < text.length) parent.appendChild(document.createTextNode('…'));
  }

  // --- the search page ---------------------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // The issue label usually carries the date already (2024年4月15日): the date shows only when not.
  function dateInLabel(label, date) {
    var m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(date || '');
    if (!m) return true;
    if (label.indexOf(date) !== -1) return true;
    return label.indexOf(m[1]) !== -1 && (!m[2] || label.indexOf(+m[2] + '月') !== -1 || label.indexOf(m[2]) !== -1);
  }

  function renderResult(record, hit) {
    var group = hit.group || {}, needles = queryNeedles(group.query || '');
    var item = el('li', 'search-result' + (group.partial ? ' search-result-partial' : ''));
    var heading = el('h2', 'search-result-title');
    var link = el('a');
    link.href = siteRoot + record.url;
    appendHighlighted(link, record.title, matchRanges(record.title, needles), 0, record.title.length);
    heading.appendChild(link);
    item.appendChild(heading);
    var meta = el('p', 'search-result-meta');
    if (group.partial) meta.appendChild(el('span', 'search-result-partial-mark', '部分匹配：' + group.pieces.join(' + ')));
    meta.appendChild(el('span', 'search-result-issue', record.issue));
    if (record.date && !dateInLabel(record.issue, record.date)) meta.appendChild(el('span', 'search-result-date', record.date));
    if (record.unit) meta.appendChild(el('span', 'search-result-unit', record.unit));
    item.appendChild(meta);
    var text = el('p', 'search-result-snippet');
    snippet(text, record.text || record.title, needles);
    item.appendChild(text);
    return item;
  }

  var MAX_UNIT_FILTERS = 12;

  function SearchPage(root) {
    this.root = root;
    this.input = root.querySelector('input[name="q"]');
    this.status = root.querySelector('[data-search-status]');
    this.filters = root.querySelector('[data-search-filters]');
    if (!this.filters) { // a theme's own search.html without the filters' place: put it above the results
      this.filters = el('div', 'search-filters');
      this.filters.hidden = true;
      root.querySelector('[data-search-results]').before(this.filters);
    }
    this.list = root.querySelector('[data-search-results]');
    this.more = root.querySelector('[data-search-more]');
    this.engine = new Engine();
    this.sequence = 0;
    this.timer = null;
    this.state = null;
    this.composing = false;
    this.year = null;
    this.unit = null;
    this.lastKey = null; // query and filters of the search shown (Enter after it does not repeat it)
  }

  SearchPage.prototype.setStatus = function (text, kind) {
    this.status.textContent = text;
    this.root.setAttribute('data-search-state', kind);
  };

  SearchPage.prototype.readUrl = function () {
    var params = new URLSearchParams(window.location.search);
    this.input.value = params.get('q') || '';
    this.year = params.get('year') || null;
    this.unit = params.get('unit') || null;
  };

  SearchPage.prototype.start = function () {
    var self = this, form = this.input.form;
    this.readUrl();
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      clearTimeout(self.timer);
      if (!self.composing) self.commit();
    });
    // An input method sends input events for every keystroke of a composition: the query is the
    // text it commits (compositionend), not the Latin letters typed on the way.
    this.input.addEventListener('compositionstart', function () { self.composing = true; clearTimeout(self.timer); });
    this.input.addEventListener('compositionend', function () { self.composing = false; self.schedule(); });
    this.input.addEventListener('input', function (event) {
      if (self.composing || event.isComposing) return;
      self.schedule();
    });
    this.input.addEventListener('keydown', function (event) {
      if (event.isComposing || self.composing) return;
      if (event.key === 'ArrowDown') { var a = self.list.querySelector('a'); if (a) { event.preventDefault(); a.focus(); } }
      if (event.key === 'Escape') { self.input.value = ''; clearTimeout(self.timer); self.commit(); }
    });
    window.addEventListener('popstate', function () {
      clearTimeout(self.timer);
      self.readUrl();
      self.run('none');
    });
    this.filters.addEventListener('click', function (event) {
      var link = event.target.closest ? event.target.closest('a[data-filter]') : null;
      if (!link) return;
      event.preventDefault();
      var value = link.getAttribute('data-value') || null;
      if (link.getAttribute('data-filter') === 'year') self.year = value; else self.unit = value;
      self.run('push');
    });
    this.list.addEventListener('keydown', function (event) { self.moveFocus(event); });
    this.more.addEventListener('click', function () { self.clickMore(); });
    this.run('replace');
  };

  SearchPage.prototype.schedule = function () {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.commit(); }, DEBOUNCE_MS);
  };

  SearchPage.prototype.key = function () {
    return [this.input.value.trim(), this.year || '', this.unit || ''].join('\u0000');
  };

  // A query the reader settled on (a pause in typing, Enter): searched once, one history entry.
  // A new query starts without the filters of the previous one.
  SearchPage.prototype.commit = function () {
    if (this.key() === this.lastKey) return Promise.resolve();
    if (this.state && this.input.value.trim() !== this.state.query.trim()) { this.year = null; this.unit = null; }
    return this.run('push');
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

  SearchPage.prototype.urlFor = function (query, year, unit) {
    var url = new URL(window.location.href);
    ['q', 'year', 'unit'].forEach(function (k) { url.searchParams.delete(k); });
    if (query) url.searchParams.set('q', query);
    if (year) url.searchParams.set('year', year);
    if (unit) url.searchParams.set('unit', unit);
    return url.toString();
  };

  // The address shows the query and filters (to share or reload them); each committed query is a
  // history entry ('push'), the first one replaces the page's own ('replace'), Back changes nothing
  // ('none'). Changed in a task of its own: a history change costs a few milliseconds (more from
  // file://) that the results need not wait for.
  SearchPage.prototype.updateUrl = function (mode) {
    if (mode === 'none') return;
    var self = this, target = this.urlFor(this.input.value.trim(), this.year, this.unit);
    setTimeout(function () {
      try {
        if (target === window.location.href) return;
        if (mode === 'push') window.history.pushState(null, '', target);
        else window.history.replaceState(null, '', target);
      } catch (e) { /* some file:// setups refuse history changes; the results still show */ }
      void self;
    }, 0);
  };

  SearchPage.prototype.accept = function () {
    var engine = this.engine, year = this.year, unit = this.unit;
    if (!year && !unit) return null;
    return function (doc) {
      return (!year || engine.yearOf(doc) === year) && (!unit || engine.unitsOf(doc).indexOf(unit) !== -1);
    };
  };

  SearchPage.prototype.run = function (mode) {
    var self = this, query = this.input.value, seq = ++this.sequence;
    this.lastKey = this.key();
    this.updateUrl(mode || 'push');
    this.list.textContent = '';
    this.filters.textContent = '';
    this.filters.hidden = true;
    this.more.hidden = true;
    this.state = null;
    if (!query.trim()) {
      this.setStatus('输入关键词搜索全部文章：汉字、拼音（如 diandongche）、数字或字母。', 'empty');
      return Promise.resolve();
    }
    if (!queryTerms(query).length) {
      this.setStatus('请输入汉字、拼音、数字或字母。', 'short');
      return Promise.resolve();
    }
    this.setStatus('正在搜索…', 'loading');
    var engine = this.engine, unitsFirst = this.unit ? engine.loadUnits() : Promise.resolve();
    return unitsFirst.then(function () { return engine.find(query, self.accept()); }).then(function (found) {
      if (seq !== self.sequence) return;
      self.state = { query: query, found: found, list: found.list, shown: 0, accepted: 0, rejected: 0,
                     verified: null };
      return self.showMore().then(function () {
        return Promise.all([self.verifyAllIfCheap(seq), engine.loadUnits()]);
      }).then(function () {
        if (seq === self.sequence) { self.renderFilters(); self.updateStatus(true); }
      });
    }).catch(function (error) {
      if (seq !== self.sequence) return;
      self.setStatus('搜索数据无法加载（' + error.message + '）。', 'error');
    });
  };

  function groupPhrases(group) { return group.phrases || (group.phrases = phrasesToVerify(group.query)); }

  SearchPage.prototype.needsCheck = function () {
    return this.state.found.groups.some(function (g) { return groupPhrases(g).length > 0; });
  };

  // Filter counts: years over the matches the unit filter keeps, units over those the year filter
  // keeps (exact once every match is checked, "约" before).
  SearchPage.prototype.renderFilters = function () {
    var self = this, state = this.state, engine = this.engine, box = this.filters;
    if (!state) return;
    var docs = state.verified ? Array.from(state.verified) : state.list.matched;
    var f = engine.facets(), yearCounts = new Int32Array(f.years.length), unitCounts = new Int32Array(f.unitNames.length);
    var wantYear = this.year ? f.years.indexOf(this.year) : -1, wantUnit = this.unit ? f.unitIndex.get(this.unit) : -1;
    if (wantUnit === undefined) wantUnit = -2; // a unit no document lists
    for (var k = 0; k < docs.length; k++) {
      var doc = docs[k], year = f.yearOf[doc], from = f.unitStart[doc], to = f.unitStart[doc + 1], hasUnit = wantUnit === -1;
      for (var j = from; j < to && !hasUnit; j++) if (f.unitIds[j] === wantUnit) hasUnit = true;
      if (hasUnit) yearCounts[year]++;
      if (wantYear === -1 || year === wantYear) for (j = from; j < to; j++) unitCounts[f.unitIds[j]]++;
    }
    var years = new Map(), units = new Map();
    f.years.forEach(function (y, i) { if (yearCounts[i]) years.set(y, yearCounts[i]); });
    f.unitNames.forEach(function (u, i) { if (unitCounts[i]) units.set(u, unitCounts[i]); });
    box.textContent = '';
    var about = state.verified || !this.needsCheck() ? '' : '约 ';
    function row(kind, label, counts, current, order) {
      var entries = Array.from(counts.entries()).filter(function (e) { return e[0] && e[0] !== 'undated'; });
      if (entries.length < 2 && !current) return;
      entries.sort(order);
      if (kind === 'unit') entries = entries.slice(0, MAX_UNIT_FILTERS);
      if (current && !entries.some(function (e) { return e[0] === current; })) entries.unshift([current, 0]);
      var p = el('p', 'search-filter');
      p.appendChild(el('span', 'search-filter-label', label));
      var all = el('a', null, '全部');
      all.href = self.urlFor(state.query.trim(), kind === 'year' ? null : self.year, kind === 'unit' ? null : self.unit);
      all.setAttribute('data-filter', kind);
      all.setAttribute('data-value', '');
      if (!current) all.setAttribute('aria-current', 'true');
      p.appendChild(all);
      entries.forEach(function (e) {
        var a = el('a', null, e[0] + '（' + about + e[1] + '）');
        a.href = self.urlFor(state.query.trim(), kind === 'year' ? e[0] : self.year, kind === 'unit' ? e[0] : self.unit);
        a.setAttribute('data-filter', kind);
        a.setAttribute('data-value', e[0]);
        if (current === e[0]) a.setAttribute('aria-current', 'true');
        p.appendChild(a);
      });
      box.appendChild(p);
    }
    row('year', '年份', years, this.year, function (a, b) { return a[0] < b[0] ? 1 : -1; });
    row('unit', '单位', units, this.unit, function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); });
    box.hidden = !box.children.length;
  };

  // Status line: the count (exact once every candidate is checked, "about" while phrases are
  // checked only on the results shown); the page state stays "loading" until `final`.
  SearchPage.prototype.updateStatus = function (final) {
    var state = this.state, list = state.list, accept = this.accept();
    var exact = !!state.verified || !this.needsCheck(), full = 0, partial = 0;
    if (state.verified) {
      state.verified.forEach(function (doc) {
        if (accept && !accept(doc)) return;
        if (list.groupOf.get(doc).partial) partial++; else full++;
      });
    } else {
      list.segments.forEach(function (s) { if (s.partial || (s.group && s.group.partial)) partial += s.count; else full += s.count; });
      full = Math.max(0, full - state.rejected);
    }
    var count = full + partial, query = state.query.trim();
    if (final && count <= 0 && state.accepted === 0) {
      this.setStatus('没有找到包含“' + query + '”的文章。换个说法，或减少几个字再试。', 'none');
      return;
    }
    if (count <= 0 && state.accepted === 0) return;
    count = Math.max(count, state.accepted);
    var text;
    if (!full && partial) {
      var pieces = list.segments[list.segments.length - 1];
      var words = (pieces.group || (pieces.hits[0] && pieces.hits[0].group) || { pieces: [] }).pieces.join('”“');
      text = '没有完全包含“' + query + '”的文章；' + (exact ? '' : '约 ') + partial + ' 篇分别包含“' + words + '”（部分匹配）';
    } else {
      text = (exact ? '找到 ' : '约 ') + count + ' 篇文章' + (partial ? '（其中 ' + partial + ' 篇部分匹配）' : '');
    }
    this.setStatus(text, final ? 'results' : 'loading');
  };

  SearchPage.prototype.verifies = function (record, group) {
    var phrases = groupPhrases(group || {});
    return !!record && (!phrases.length || recordContains(record, phrases));
  };

  // Every bigram of the query is required, so candidates hold all of them; a phrase of 3+
  // characters must also occur as written. When the matches' text is cheap to fetch, check all of
  // them (after the first page shows) so that the counts are exact; otherwise check the ones shown.
  SearchPage.prototype.verifyAllIfCheap = function (seq) {
    var self = this, state = this.state, list = state.list, matched = list.matched;
    if (!this.needsCheck()) return Promise.resolve();
    var chunks = new Set();
    for (var i = 0; i < matched.length && chunks.size <= VERIFY_ALL_CHUNKS; i++) {
      chunks.add(this.engine.chunkKey(matched[i]).key);
    }
    if (chunks.size > VERIFY_ALL_CHUNKS) return Promise.resolve();
    return this.engine.records(matched.map(String)).then(function (records) {
      if (seq !== self.sequence) return;
      var verified = new Set();
      records.forEach(function (r, i) {
        if (self.verifies(r, list.groupOf.get(matched[i]))) verified.add(matched[i]);
      });
      state.verified = verified;
    });
  };

  // The next page of results, shown one by one in rank order as their text arrives: the first
  // result's store chunk is fetched on its own, so that it shows as early as possible.
  SearchPage.prototype.showMore = function () {
    var self = this, state = this.state, seq = this.sequence, engine = this.engine;
    var page = state.list.slice(state.shown, state.shown + PAGE_SIZE);
    state.shown += page.length;
    function show(hit, record) {
      if (seq !== self.sequence) return;
      if (!self.verifies(record, hit.group)) { state.rejected++; return; }
      self.list.appendChild(renderResult(record, hit));
      state.accepted++;
      if (state.accepted === 1) self.updateStatus(false);
    }
    var next = 0;
    function head() {
      if (next >= page.length || next >= FIRST_ALONE || state.accepted > 0 || seq !== self.sequence) return Promise.resolve();
      var hit = page[next++];
      return engine.record(hit.ref).then(function (record) { show(hit, record); }).then(head);
    }
    return head().then(function () {
      var rest = page.slice(next), pending = rest.map(function (hit) { return engine.record(hit.ref); });
      return pending.reduce(function (chain, record, i) {
        return chain.then(function () { return record; }).then(function (r) { show(rest[i], r); });
      }, Promise.resolve());
    }).then(function () {
      if (seq !== self.sequence) return;
      self.more.hidden = state.shown >= state.list.count;
      self.updateStatus(!!state.verified || !self.needsCheck());
    });
  };

  SearchPage.prototype.clickMore = function () {
    var self = this, seq = this.sequence;
    this.root.setAttribute('data-search-state', 'loading');
    return this.showMore().then(function () { if (seq === self.sequence) self.updateStatus(true); });
  };

  var api = {
    normalize: normalize, splitRuns: splitRuns, queryTerms: queryTerms, queryVariants: queryVariants,
    coveringPieces: coveringPieces, bucketOf: bucketOf, fnv1a: fnv1a, setT2S: setT2S,
    lunrIdf: lunrIdf, lunrWeight: lunrWeight, eachPosting: eachPosting, Engine: Engine,
    page: null // the search page's SearchPage: page.input.value = q; page.run() returns a promise
  };

  if (typeof module !== 'undefined' && module.exports) module.exports = api; // Node: the tests
  if (!hasDocument) return;
  global.BulletinSearch = api;

  function init() {
    var root = document.querySelector('[data-search-page]');
    if (root) {
      api.page = new SearchPage(root);
      api.page.start();
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})(typeof window !== 'undefined' ? window : globalThis);
