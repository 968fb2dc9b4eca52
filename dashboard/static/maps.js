'use strict';
// Map entries as the page shows them. Histograms as text, drawn byte for byte as libbpf-tools' print_log2_hist
// and print_linear_hist draw them (and as `nomia run` prints them), so that
// what the dashboard shows reads like the tools people already know. The
// input is the JSON of package mapview: {"hist":{"unit":…,"buckets":[…]}},
// log2 buckets {low,high,count} from slot 0 to the last non-zero one, linear
// buckets {value,count} for non-zero counts only.
const nomiaMaps = (() => {
  const maxStars = 40;

  const spaces = (n) => ' '.repeat(Math.max(0, n));
  const left = (s, width) => s + spaces(width - s.length);
  const right = (s, width) => spaces(width - s.length) + s;

  // log2Bounds is slot i's range. BigInt, because the last slots' bounds
  // pass 2^53 and JSON numbers would round them.
  function log2Bounds(i) {
    if (i >= 63) return [1n << 63n, (1n << 64n) - 1n];
    let low = (1n << BigInt(i + 1)) >> 1n;
    const high = (1n << BigInt(i + 1)) - 1n;
    if (low === high) low--;
    return [low, high];
  }

  function stars(val, valMax, width) {
    const n = valMax > 0 ? Math.floor(Math.min(val, valMax) * width / valMax) : 0;
    return '*'.repeat(n) + spaces(width - n);
  }

  const countCell = (val, valMax, width) =>
    ' : ' + left(String(val), 8) + ' |' + stars(val, valMax, width) + '|\n';

  // log2 draws log2 buckets; "" when every count is zero.
  function log2(buckets, unit) {
    let idxMax = -1, valMax = 0;
    buckets.forEach((b, i) => {
      if (b.count > 0) idxMax = i;
      valMax = Math.max(valMax, b.count);
    });
    if (idxMax < 0) return '';
    let [pad, unitWidth, width, nstars] = [5, 19, 10, maxStars];
    if (idxMax > 32) [pad, unitWidth, width, nstars] = [15, 29, 20, maxStars / 2];
    let out = spaces(pad) + left(unit, unitWidth) + ' : count    distribution\n';
    for (let i = 0; i <= idxMax; i++) {
      const [low, high] = log2Bounds(i);
      out += right(String(low), width) + ' -> ' + left(String(high), width) +
        countCell(buckets[i].count, valMax, nstars);
    }
    return out;
  }

  // linear draws linear buckets; "" when there are none.
  function linear(buckets, unit) {
    const valMax = buckets.reduce((m, b) => Math.max(m, b.count), 0);
    if (valMax === 0) return '';
    let out = '     ' + left(unit, 13) + ' : count     distribution\n';
    for (const b of buckets) {
      if (b.count > 0) out += '        ' + left(String(b.value), 10) + countCell(b.count, valMax, maxStars);
    }
    return out;
  }

  // text draws a mapview "hist" object.
  function text(hist) {
    const buckets = hist.buckets || [];
    const isLinear = buckets.length > 0 && 'value' in buckets[0];
    return isLinear ? linear(buckets, hist.unit || '') : log2(buckets, hist.unit || '');
  }

  // fields lists an entry's fields but its map name, histogram and stacks,
  // as [name, value]: a struct key or value ({"key":{"comm":"sshd"}}) is
  // spread into its own fields, as libbpf-tools print them, unless a name
  // would repeat.
  function fields(entry) {
    const out = [];
    const seen = new Set();
    const add = (name, value) => {
      seen.add(name);
      out.push([name, value]);
    };
    for (const [k, v] of Object.entries(entry)) {
      if (k === 'map' || k === 'hist' || k === 'stacks') continue;
      const spread = v !== null && typeof v === 'object' && !Array.isArray(v) &&
        Object.keys(v).every((f) => !(f in entry) && !seen.has(f));
      if (spread) for (const [f, fv] of Object.entries(v)) add(f, fv);
      else add(k, v);
    }
    return out;
  }

  const show = (v) => (typeof v === 'string' ? v : JSON.stringify(v));

  // header is what libbpf-tools print above each histogram: the entry's key
  // and other fields, "pid = 42 comm = sshd", leaving out empty strings (a
  // comm the program never set).
  const header = (entry) => fields(entry).filter(([, v]) => v !== '')
    .map(([k, v]) => k + ' = ' + show(v)).join(' ');

  // catchAll tells a map's only entry under key 0 or all ones (an array's
  // one slot, a "total" key): it is drawn without a header.
  function catchAll(entries) {
    if (entries.length !== 1) return false;
    const k = entries[0].key;
    return typeof k === 'number' && (k === 0 || k === -1 || k === 0xff || k === 0xffff ||
      k === 0xffffffff || k >= 2 ** 64 - 1);
  }

  // histograms draws a map's histogram entries as `nomia run` prints them:
  // each under its header, a blank line between them.
  function histograms(entries) {
    const alone = catchAll(entries);
    return entries.map((e) => {
      const head = alone ? '' : header(e);
      return (head ? head + '\n' : '') + text(e.hist);
    }).join('\n');
  }

  return { text, header, histograms, fields, show, log2Bounds };
})();
