// ../../tmp/fraud-cal/harness.mts
import { writeFileSync } from "node:fs";

// src/core/errors.ts
var SluiceError = class extends Error {
  code;
  domain;
  retriable;
  context;
  constructor(code, message, options = {}) {
    super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = "SluiceError";
    this.code = code;
    this.domain = options.domain ?? defaultDomain(code);
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }
};
function defaultDomain(code) {
  if (code === "INTERNAL") return "internal";
  if (code.startsWith("KAFKA_") || code === "STATE_STORE") return "external";
  return "user";
}
function errorMessage(err) {
  if (err instanceof Error) return err.message;
  if (typeof err === "string") return err;
  try {
    return JSON.stringify(err) ?? "unknown error";
  } catch {
    return "unknown error";
  }
}

// src/cli/generate/weighted-choice.ts
var WeightedChoice = class _WeightedChoice {
  cumulative;
  /** Sum of all weights (> 0). */
  total;
  constructor(weights) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => {
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weight ${i} is ${w}`);
      sum += w;
      this.cumulative[i] = sum;
    });
    if (!(sum > 0)) throw new RangeError("weights must have a positive sum");
    this.total = sum;
  }
  /** Zipf weights 1/(rank+1)^exponent for ranks 0..n-1 (rank 0 is the most popular). */
  static zipf(n, exponent) {
    return new _WeightedChoice(Array.from({ length: n }, (_, rank) => 1 / (rank + 1) ** exponent));
  }
  get size() {
    return this.cumulative.length;
  }
  /** Probability of index `i` (weight / total). */
  probability(i) {
    const upper2 = this.cumulative[i] ?? 0;
    const lower2 = i > 0 ? this.cumulative[i - 1] ?? 0 : 0;
    return (upper2 - lower2) / this.total;
  }
  /** One index, drawn with probability weight / total. */
  sample(prng) {
    const target = prng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = lo + hi >>> 1;
      if ((this.cumulative[mid] ?? 0) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
};

// src/cli/generate/activity-model.ts
var ACTIVITY_CATEGORIES = [
  { name: "electronics", basePrice: 180, share: 1.6 },
  { name: "books", basePrice: 14, share: 1.5 },
  { name: "fashion", basePrice: 45, share: 1.5 },
  { name: "home", basePrice: 60, share: 1.2 },
  { name: "garden", basePrice: 40, share: 0.7 },
  { name: "toys", basePrice: 25, share: 0.9 },
  { name: "sports", basePrice: 55, share: 0.9 },
  { name: "beauty", basePrice: 22, share: 0.9 },
  { name: "grocery", basePrice: 6, share: 1.2 },
  { name: "automotive", basePrice: 70, share: 0.5 },
  { name: "music", basePrice: 18, share: 0.6 },
  { name: "movies", basePrice: 15, share: 0.6 },
  { name: "health", basePrice: 20, share: 0.7 },
  { name: "pets", basePrice: 28, share: 0.6 },
  { name: "office", basePrice: 16, share: 0.5 },
  { name: "jewelry", basePrice: 120, share: 0.4 }
];
var DEFAULT_ACTIVITY_BEHAVIOUR = {
  concurrentSessions: 500,
  meanViewsPerSession: 7,
  cartProbability: 0.08,
  purchaseProbability: 0.5,
  neighbourProbability: 0.65,
  tasteProbability: 0.86
};
var NEIGHBOURS_PER_ITEM = 8;
var CROSS_CATEGORY_NEIGHBOUR = 0.03;
var ZIPF_EXPONENT = 1;
var MAX_VIEWS_PER_SESSION = 40;
var ActivityModel = class {
  items;
  users;
  behaviour;
  /** Per category: item indexes, most popular first. */
  itemsByCategory;
  popularityByCategory;
  categoryChoice;
  userChoice;
  neighbourRank;
  active = [];
  activeUsers = /* @__PURE__ */ new Set();
  prng;
  runTag;
  eventSeq = 0;
  sessionSeq = 0;
  /** `prng` is consumed: the catalog, users and sessions each use a fork of it. */
  constructor(prng, options) {
    if (options.users < 1 || options.items < 2) {
      throw new RangeError("activity needs at least 1 user and 2 items");
    }
    this.behaviour = { ...DEFAULT_ACTIVITY_BEHAVIOUR, ...options.behaviour };
    this.runTag = options.runTag;
    const catalogPrng = prng.fork("catalog");
    const usersPrng = prng.fork("users");
    this.prng = prng.fork("sessions");
    const categoryCount = Math.min(ACTIVITY_CATEGORIES.length, options.items);
    const categories = ACTIVITY_CATEGORIES.slice(0, categoryCount);
    this.categoryChoice = new WeightedChoice(categories.map((c) => c.share));
    const itemCategory = Array.from(
      { length: options.items },
      (_, i) => i < categoryCount ? i : this.categoryChoice.sample(catalogPrng)
    );
    const byCategory = categories.map(() => []);
    itemCategory.forEach((c, i) => byCategory[c]?.push(i));
    for (const list of byCategory) shuffle(list, catalogPrng);
    this.itemsByCategory = byCategory;
    this.popularityByCategory = byCategory.map(
      (list) => list.length > 0 ? WeightedChoice.zipf(list.length, ZIPF_EXPONENT) : void 0
    );
    const prices = itemCategory.map((c) => {
      const base = categories[c]?.basePrice ?? 20;
      const raw = base * Math.exp(0.5 * catalogPrng.normal());
      return Math.max(1, Math.round(raw)) - 0.01;
    });
    const neighbourPool = byCategory.map(
      (list) => list.length > 0 ? new WeightedChoice(list.map((_, rank) => 1 / Math.sqrt(rank + 1))) : void 0
    );
    const pickInCategory = (c, pool) => {
      const list = byCategory[c] ?? [];
      const choice = pool[c];
      return choice === void 0 ? -1 : list[choice.sample(catalogPrng)] ?? -1;
    };
    this.items = itemCategory.map((category, index) => {
      const sameCategory = (byCategory[category]?.length ?? 1) - 1;
      const wanted = Math.min(NEIGHBOURS_PER_ITEM, Math.max(1, sameCategory));
      const neighbours = [];
      for (let attempt = 0; neighbours.length < wanted && attempt < wanted * 20; attempt++) {
        const c = catalogPrng.chance(CROSS_CATEGORY_NEIGHBOUR) ? this.categoryChoice.sample(catalogPrng) : category;
        const candidate = pickInCategory(c, neighbourPool);
        if (candidate >= 0 && candidate !== index && !neighbours.includes(candidate)) {
          neighbours.push(candidate);
        }
      }
      return {
        id: `item-${pad(index, 6)}`,
        index,
        category,
        price: prices[index] ?? 1,
        neighbours
      };
    });
    this.neighbourRank = WeightedChoice.zipf(NEIGHBOURS_PER_ITEM, 0.8);
    this.users = Array.from({ length: options.users }, (_, index) => {
      const first = this.categoryChoice.sample(usersPrng);
      const preferred = [first];
      if (categoryCount > 1 && usersPrng.chance(0.4)) {
        let second = this.categoryChoice.sample(usersPrng);
        while (second === first) second = this.categoryChoice.sample(usersPrng);
        preferred.push(second);
      }
      return { id: `user-${pad(index, 5)}`, index, preferredCategories: preferred };
    });
    this.userChoice = new WeightedChoice(this.users.map(() => Math.exp(0.8 * usersPrng.normal())));
  }
  /** Category name of a category index. */
  categoryName(category) {
    return ACTIVITY_CATEGORIES[category]?.name ?? "unknown";
  }
  /** The next event of a randomly chosen active session, stamped with `tsMs`. */
  nextEvent(tsMs) {
    const target = Math.min(
      this.behaviour.concurrentSessions,
      Math.max(1, Math.floor(this.users.length / 2))
    );
    while (this.active.length < target) this.active.push(this.startSession());
    const slot = Math.floor(this.prng.next() * this.active.length);
    const session = this.active[slot];
    if (session === void 0) throw new Error("no active session");
    const event = this.step(session, tsMs);
    if (session.checkedOut && session.purchases.length === 0) {
      this.activeUsers.delete(session.user.index);
      this.active[slot] = this.startSession();
    }
    return event;
  }
  /** Emits the session's next event; a session always has one until it is finished. */
  step(session, tsMs) {
    let event;
    if (session.pendingCart >= 0) {
      const item = session.pendingCart;
      session.pendingCart = -1;
      session.cart.push(item);
      event = this.event(session, item, "add_to_cart", tsMs);
    } else if (session.viewsLeft > 0) {
      session.viewsLeft--;
      const item = this.nextView(session);
      session.current = item;
      if (this.prng.chance(this.behaviour.cartProbability) && !session.cart.includes(item)) {
        session.pendingCart = item;
      }
      event = this.event(session, item, "view", tsMs);
    } else {
      const item = session.purchases.shift();
      if (item === void 0) throw new Error(`session ${session.id} stepped after it finished`);
      event = this.event(session, item, "purchase", tsMs);
    }
    if (session.viewsLeft === 0 && session.pendingCart < 0 && !session.checkedOut) {
      this.checkOut(session);
    }
    return event;
  }
  checkOut(session) {
    session.checkedOut = true;
    for (const item of session.cart) {
      if (this.prng.chance(this.behaviour.purchaseProbability)) session.purchases.push(item);
    }
  }
  nextView(session) {
    const current = session.current >= 0 ? this.items[session.current] : void 0;
    if (current !== void 0 && this.prng.chance(this.behaviour.neighbourProbability)) {
      const rank = this.neighbourRank.sample(this.prng) % Math.max(1, current.neighbours.length);
      const neighbour = current.neighbours[rank];
      if (neighbour !== void 0) return neighbour;
    }
    const preferred = session.user.preferredCategories;
    let category;
    if (!this.prng.chance(this.behaviour.tasteProbability)) {
      category = this.categoryChoice.sample(this.prng);
    } else {
      const second = preferred[1];
      category = second !== void 0 && this.prng.chance(0.35) ? second : preferred[0] ?? 0;
    }
    return this.popularItem(category);
  }
  popularItem(category) {
    const list = this.itemsByCategory[category] ?? [];
    const choice = this.popularityByCategory[category];
    if (choice === void 0) return 0;
    return list[choice.sample(this.prng)] ?? 0;
  }
  startSession() {
    let user = this.userChoice.sample(this.prng);
    for (let attempt = 0; this.activeUsers.has(user) && attempt < 10; attempt++) {
      user = this.userChoice.sample(this.prng);
    }
    while (this.activeUsers.has(user)) user = (user + 1) % this.users.length;
    this.activeUsers.add(user);
    const shopUser = this.users[user];
    if (shopUser === void 0) throw new Error(`no user ${user}`);
    const views = Math.min(
      MAX_VIEWS_PER_SESSION,
      1 + this.prng.geometric(1 / this.behaviour.meanViewsPerSession)
    );
    return {
      id: `sess-${this.runTag}-${this.sessionSeq++}`,
      user: shopUser,
      viewsLeft: views,
      current: -1,
      pendingCart: -1,
      cart: [],
      purchases: [],
      checkedOut: false
    };
  }
  event(session, itemIndex, type, tsMs) {
    const item = this.items[itemIndex];
    if (item === void 0) throw new Error(`no item ${itemIndex}`);
    const event = {
      event_id: `evt-${this.runTag}-${this.eventSeq++}`,
      user_id: session.user.id,
      session_id: session.id,
      item_id: item.id,
      category: this.categoryName(item.category),
      event_type: type,
      ts: tsMs
    };
    if (type !== "view") event.price = item.price;
    return event;
  }
};
function pad(n, width) {
  return String(n).padStart(width, "0");
}
function shuffle(list, prng) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(prng.next() * (i + 1));
    const tmp = list[i] ?? 0;
    list[i] = list[j] ?? 0;
    list[j] = tmp;
  }
}

// src/cli/generate/corruptor.ts
var CORRUPTION_KINDS = {
  invalid_json: "DECODE_INVALID_JSON: malformed JSON text",
  truncated_json: "DECODE_INVALID_JSON: a valid event cut short",
  not_utf8: "DECODE_NOT_UTF8: JSON with invalid UTF-8 bytes in a string",
  json_array: "DECODE_NOT_OBJECT: a JSON array",
  json_number: "DECODE_NOT_OBJECT: a JSON number",
  proto_key: "DECODE_FORBIDDEN_KEY: a __proto__ key",
  constructor_key: "DECODE_FORBIDDEN_KEY: a constructor key",
  wrong_type: 'FIELD_TYPE: a field of the wrong type (e.g. amount: "abc")',
  missing_field: "FIELD_MISSING: a required field removed",
  oversized: "RECORD_TOO_LARGE: a valid event padded past 1 MiB",
  empty: "DECODE_EMPTY: an empty value"
};
var CORRUPTION_KIND_NAMES = Object.keys(CORRUPTION_KINDS);
var OVERSIZED_WEIGHT = 0.02;
var REQUIRED_FIELDS = {
  activity: ["event_id", "user_id", "session_id", "item_id", "category", "event_type", "ts"],
  transactions: ["txn_id", "account_id", "card_id", "amount", "currency", "merchant_id", "ts"]
};
var WRONG_TYPES = {
  activity: [
    ["ts", "yesterday"],
    ["user_id", 42],
    ["event_type", ["view"]],
    ["item_id", null]
  ],
  transactions: [
    ["amount", "abc"],
    ["ts", "2024-01-01T00:00:00Z"],
    ["lat", "north"],
    ["card_id", { number: "4111" }]
  ]
};
var Corruptor = class {
  constructor(prng, options = {}) {
    this.prng = prng;
    this.maxOversized = options.maxOversized ?? 10;
    this.oversizedBytes = options.oversizedBytes ?? 1024 * 1024 + 1024;
    this.counts = Object.fromEntries(CORRUPTION_KIND_NAMES.map((k) => [k, 0]));
  }
  prng;
  counts;
  maxOversized;
  oversizedBytes;
  /** A bad value in place of `event` (of the given contract), of a random kind. */
  corrupt(event, topic) {
    const kind = this.pickKind();
    this.counts[kind]++;
    return { value: this.make(kind, event, topic), kind };
  }
  /** A bad value of a given kind (tests use it to check each kind's bytes). */
  make(kind, event, topic) {
    const json = JSON.stringify(event);
    const prng = this.prng;
    switch (kind) {
      case "invalid_json":
        return Buffer.from(
          prng.pick([
            json.replace(/"(\w+)":/, "$1:"),
            // unquoted key
            `${json.slice(0, -1)},}`,
            // trailing comma
            `{'single': 'quotes'}`,
            "not json at all",
            json.replace(/:/, "::")
          ])
        );
      case "truncated_json":
        return Buffer.from(json.slice(0, prng.int(1, json.length - 1)));
      case "not_utf8": {
        const field = REQUIRED_FIELDS[topic][2] ?? "id";
        const [before, after] = splitAtFieldValue(json, field);
        return Buffer.concat([
          Buffer.from(before),
          Buffer.from([195, 40, 255, 254]),
          Buffer.from(after)
        ]);
      }
      case "json_array":
        return Buffer.from(JSON.stringify([event]));
      case "json_number":
        return Buffer.from(String(prng.int(0, 1e6)));
      case "proto_key":
        return Buffer.from(`{"__proto__":{"polluted":true},${json.slice(1)}`);
      case "constructor_key":
        return Buffer.from(`{"constructor":{"prototype":{"polluted":true}},${json.slice(1)}`);
      case "wrong_type": {
        const [field, bad] = prng.pick(WRONG_TYPES[topic]);
        return Buffer.from(JSON.stringify({ ...event, [field]: bad }));
      }
      case "missing_field": {
        const field = prng.pick(REQUIRED_FIELDS[topic]);
        const copy2 = { ...event };
        delete copy2[field];
        return Buffer.from(JSON.stringify(copy2));
      }
      case "oversized": {
        const padding = Math.max(0, this.oversizedBytes - json.length - 16);
        return Buffer.from(JSON.stringify({ ...event, padding: "x".repeat(padding) }));
      }
      case "empty":
        return Buffer.alloc(0);
    }
  }
  pickKind() {
    const allowOversized = this.counts.oversized < this.maxOversized;
    const others = CORRUPTION_KIND_NAMES.filter((k) => k !== "oversized");
    const total = others.length + (allowOversized ? OVERSIZED_WEIGHT : 0);
    const target = this.prng.next() * total;
    const index = Math.floor(target);
    return index < others.length ? others[index] : "oversized";
  }
};
function splitAtFieldValue(json, field) {
  const marker = `"${field}":"`;
  const at = json.indexOf(marker);
  if (at < 0) return [json.slice(0, 1) + '"x":"', `",${json.slice(1)}`];
  const cut = at + marker.length;
  return [json.slice(0, cut), json.slice(cut)];
}

// src/cli/generate/event-queue.ts
var EventQueue = class {
  heap = [];
  seq = 0;
  get size() {
    return this.heap.length;
  }
  push(dueMs, item) {
    this.heap.push({ dueMs, seq: this.seq++, item });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = i - 1 >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  /** Due time of the earliest item, or undefined when empty. */
  peekDueMs() {
    return this.heap[0]?.dueMs;
  }
  /** Removes and returns the earliest item. */
  pop() {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === void 0 || last === void 0) return void 0;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let i = 0;
      for (; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < this.heap.length && this.less(left, smallest)) smallest = left;
        if (right < this.heap.length && this.less(right, smallest)) smallest = right;
        if (smallest === i) break;
        this.swap(i, smallest);
        i = smallest;
      }
    }
    return top.item;
  }
  less(a, b) {
    const x = this.heap[a];
    const y = this.heap[b];
    return x.dueMs < y.dueMs || x.dueMs === y.dueMs && x.seq < y.seq;
  }
  swap(a, b) {
    const x = this.heap[a];
    this.heap[a] = this.heap[b];
    this.heap[b] = x;
  }
};

// src/cli/generate/cities.ts
var CITIES = [
  { name: "Amsterdam", country: "NL", currency: "EUR", lat: 52.3676, lon: 4.9041, population: 3 },
  { name: "Rotterdam", country: "NL", currency: "EUR", lat: 51.9244, lon: 4.4777, population: 2 },
  { name: "Berlin", country: "DE", currency: "EUR", lat: 52.52, lon: 13.405, population: 5 },
  { name: "Munich", country: "DE", currency: "EUR", lat: 48.1351, lon: 11.582, population: 3 },
  { name: "Paris", country: "FR", currency: "EUR", lat: 48.8566, lon: 2.3522, population: 6 },
  { name: "Lyon", country: "FR", currency: "EUR", lat: 45.764, lon: 4.8357, population: 2 },
  { name: "Madrid", country: "ES", currency: "EUR", lat: 40.4168, lon: -3.7038, population: 4 },
  { name: "Barcelona", country: "ES", currency: "EUR", lat: 41.3874, lon: 2.1686, population: 3 },
  { name: "Milan", country: "IT", currency: "EUR", lat: 45.4642, lon: 9.19, population: 3 },
  { name: "Rome", country: "IT", currency: "EUR", lat: 41.9028, lon: 12.4964, population: 3 },
  { name: "Dublin", country: "IE", currency: "EUR", lat: 53.3498, lon: -6.2603, population: 2 },
  { name: "Zurich", country: "CH", currency: "CHF", lat: 47.3769, lon: 8.5417, population: 2 },
  { name: "London", country: "GB", currency: "GBP", lat: 51.5072, lon: -0.1276, population: 7 },
  { name: "Manchester", country: "GB", currency: "GBP", lat: 53.4808, lon: -2.2426, population: 2 },
  { name: "New York", country: "US", currency: "USD", lat: 40.7128, lon: -74.006, population: 7 },
  { name: "Chicago", country: "US", currency: "USD", lat: 41.8781, lon: -87.6298, population: 4 },
  {
    name: "San Francisco",
    country: "US",
    currency: "USD",
    lat: 37.7749,
    lon: -122.4194,
    population: 3
  },
  { name: "Toronto", country: "CA", currency: "CAD", lat: 43.6532, lon: -79.3832, population: 3 },
  { name: "Sydney", country: "AU", currency: "AUD", lat: -33.8688, lon: 151.2093, population: 3 },
  { name: "Auckland", country: "NZ", currency: "NZD", lat: -36.8485, lon: 174.7633, population: 1 },
  { name: "Singapore", country: "SG", currency: "SGD", lat: 1.3521, lon: 103.8198, population: 2 }
];
function distanceKm(lat1, lon1, lat2, lon2) {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}

// src/cli/generate/fraud-patterns.ts
var FRAUD_PATTERNS = ["card_testing", "account_takeover", "spending_spike"];
var FRAUD_SHAPES = {
  cardTesting: {
    /** Small probes before the large payment (inclusive range). */
    minProbes: 3,
    maxProbes: 8,
    /** Probe amounts are in [minProbeAmount, maxProbeAmount] — always below 2.00. */
    minProbeAmount: 0.5,
    maxProbeAmount: 1.99,
    /** Gap between consecutive probes, [min, max). */
    probeGapMs: [3e3, 15e3],
    /** Gap from the last probe to the large payment, [min, max). */
    cashOutGapMs: [5e3, 3e4],
    cashOutAmount: [250, 1500]
  },
  accountTakeover: {
    minTransactions: 2,
    maxTransactions: 5,
    /** Payments happen at least this far from home. */
    minDistanceKm: 1e3,
    /** Amount = habit mean × a factor in [min, max). */
    amountFactor: [3, 10],
    gapMs: [2e4, 12e4]
  },
  spendingSpike: {
    /** Amount = habit mean + k × habit stddev, k in [min, max). */
    stdDevs: [8, 15]
  }
};
var MEAN_TRANSACTIONS = {
  card_testing: (FRAUD_SHAPES.cardTesting.minProbes + FRAUD_SHAPES.cardTesting.maxProbes) / 2 + 1,
  account_takeover: (FRAUD_SHAPES.accountTakeover.minTransactions + FRAUD_SHAPES.accountTakeover.maxTransactions) / 2,
  spending_spike: 1
};
var FraudPatterns = class _FraudPatterns {
  constructor(prng, model, runTag) {
    this.prng = prng;
    this.model = model;
    this.runTag = runTag;
  }
  prng;
  model;
  runTag;
  incidentSeq = 0;
  /** Mean number of transactions an incident produces, patterns equally likely. */
  static meanTransactionsPerIncident() {
    const total = FRAUD_PATTERNS.reduce((sum, p) => sum + MEAN_TRANSACTIONS[p], 0);
    return total / FRAUD_PATTERNS.length;
  }
  /**
   * Probability of starting an incident per normal transaction so that `fraudRate` of all
   * transactions (normal + fraudulent) are fraudulent: q·E / (1 + q·E) = rate.
   */
  static incidentProbability(fraudRate) {
    if (fraudRate <= 0) return 0;
    if (fraudRate >= 1) return 1;
    return fraudRate / (_FraudPatterns.meanTransactionsPerIncident() * (1 - fraudRate));
  }
  /** An incident of a random pattern on a random account, starting at `startMs`. */
  planRandom(startMs, account) {
    const pattern = this.prng.pick(FRAUD_PATTERNS);
    return this.plan(pattern, account ?? this.model.pickAccount(this.prng), startMs);
  }
  /** An incident of `pattern` on `account`; its first transaction is at `startMs`. */
  plan(pattern, account, startMs) {
    const incidentId = `inc-${this.runTag}-${this.incidentSeq++}`;
    const txns2 = pattern === "card_testing" ? this.cardTesting(account, startMs) : pattern === "account_takeover" ? this.accountTakeover(account, startMs) : this.spendingSpike(account, startMs);
    return txns2.map((txn) => ({ txn, pattern, incidentId }));
  }
  /** Stolen card details checked with tiny payments at unknown merchants, then cashed out. */
  cardTesting(account, startMs) {
    const shape = FRAUD_SHAPES.cardTesting;
    const prng = this.prng;
    const card = prng.pick(account.cards);
    const device = this.model.newDeviceId();
    const home = this.model.homeCity(account);
    const used = new Set(account.usualMerchants);
    const probes = prng.int(shape.minProbes, shape.maxProbes);
    const txns2 = [];
    let tsMs = startMs;
    for (let i = 0; i <= probes; i++) {
      const cashOut = i === probes;
      if (i > 0) {
        const [min, max] = cashOut ? shape.cashOutGapMs : shape.probeGapMs;
        tsMs += Math.round(prng.uniform(min, max));
      }
      const merchant = this.newMerchant(used, prng.chance(0.6) ? -1 : account.city);
      used.add(merchant.index);
      const amount = cashOut ? prng.uniform(shape.cashOutAmount[0], shape.cashOutAmount[1]) : prng.uniform(shape.minProbeAmount, shape.maxProbeAmount);
      txns2.push(
        this.model.transaction({
          account,
          cardId: card,
          merchant,
          amount,
          deviceId: device,
          lat: account.homeLat + 0.02 * prng.normal(),
          lon: account.homeLon + 0.02 * prng.normal(),
          city: home,
          tsMs
        })
      );
    }
    return txns2;
  }
  /** Someone else logs in from far away on a new device and spends big. */
  accountTakeover(account, startMs) {
    const shape = FRAUD_SHAPES.accountTakeover;
    const prng = this.prng;
    const home = this.model.homeCity(account);
    const far = CITIES.map((c, i) => ({ c, i })).filter(
      ({ c }) => c.country !== home.country && distanceKm(c.lat, c.lon, account.homeLat, account.homeLon) >= shape.minDistanceKm
    );
    const target = prng.pick(far);
    const device = this.model.newDeviceId();
    const card = account.cards[0] ?? "";
    const mean = this.model.habitMean(account);
    const count = prng.int(shape.minTransactions, shape.maxTransactions);
    const used = new Set(account.usualMerchants);
    const txns2 = [];
    let tsMs = startMs;
    for (let i = 0; i < count; i++) {
      if (i > 0) tsMs += Math.round(prng.uniform(shape.gapMs[0], shape.gapMs[1]));
      const merchant = this.newMerchant(used, target.i);
      used.add(merchant.index);
      txns2.push(
        this.model.transaction({
          account,
          cardId: card,
          merchant,
          amount: mean * prng.uniform(shape.amountFactor[0], shape.amountFactor[1]),
          deviceId: device,
          lat: target.c.lat + 0.03 * prng.normal(),
          lon: target.c.lon + 0.03 * prng.normal(),
          city: target.c,
          tsMs
        })
      );
    }
    return txns2;
  }
  /** The account holder (usual merchant, device, place) — but an amount far off the habit. */
  spendingSpike(account, startMs) {
    const [min, max] = FRAUD_SHAPES.spendingSpike.stdDevs;
    const prng = this.prng;
    const amount = this.model.habitMean(account) + prng.uniform(min, max) * this.model.habitStdDev(account);
    const merchantIndex = account.usualMerchants[0] ?? 0;
    return [
      this.model.transaction({
        account,
        cardId: account.cards[0] ?? "",
        merchant: this.model.merchants[merchantIndex],
        amount,
        deviceId: account.devices[0] ?? "",
        lat: account.homeLat + 0.02 * prng.normal(),
        lon: account.homeLon + 0.02 * prng.normal(),
        city: this.model.homeCity(account),
        tsMs: startMs
      })
    ];
  }
  /** A merchant outside `exclude`, in `city` (-1 = online). */
  newMerchant(exclude, city) {
    const pool = city < 0 ? this.model.onlineMerchants : this.model.merchantsByCity[city] ?? [];
    for (let attempt = 0; attempt < 50; attempt++) {
      const m = this.prng.pick(pool);
      if (!exclude.has(m)) return this.model.merchants[m];
    }
    const fallback = this.model.merchants.find((m) => !exclude.has(m.index));
    return fallback ?? this.model.merchants[0];
  }
};

// src/cli/generate/prng.ts
var UINT32_TO_UNIT = 1 / 4294967296;
var Prng = class _Prng {
  s0;
  s1;
  s2;
  s3;
  /** `seed` is any safe integer (or a string, hashed); equal seeds give equal streams. */
  constructor(seed) {
    let x = typeof seed === "string" ? hashString(seed) : hashNumber(seed);
    const next = () => {
      x = x + 2654435769 | 0;
      let z = x;
      z = Math.imul(z ^ z >>> 16, 2246822507);
      z = Math.imul(z ^ z >>> 13, 3266489909);
      return (z ^ z >>> 16) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }
  /** A generator with the given raw state (not all zero): for checking against reference vectors. */
  static fromState(s0, s1, s2, s3) {
    const prng = new _Prng(0);
    prng.s0 = s0 >>> 0;
    prng.s1 = s1 >>> 0;
    prng.s2 = s2 >>> 0;
    prng.s3 = s3 >>> 0;
    return prng;
  }
  /**
   * An independent stream named `label`, derived from this stream's current state. Models fork
   * at construction so that, e.g., adding corruption does not change which events are generated.
   */
  fork(label) {
    return new _Prng(`${this.s0}:${this.s1}:${this.s2}:${this.s3}:${label}`);
  }
  /** Uniform integer in [0, 2^32). */
  nextUint32() {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }
  /** Uniform float in [0, 1). */
  next() {
    return this.nextUint32() * UINT32_TO_UNIT;
  }
  /** Uniform float in [min, max). */
  uniform(min, max) {
    return min + (max - min) * this.next();
  }
  /** Uniform integer in [min, max] (both inclusive). */
  int(min, max) {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  /** True with probability `p` (0 → never, 1 → always). */
  chance(p) {
    return this.next() < p;
  }
  /** One element of a non-empty array, uniformly. */
  pick(items) {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === void 0) throw new RangeError("pick from an empty array");
    return item;
  }
  /** Standard normal deviate (Box-Muller; one of the pair, so the state stays simple). */
  normal() {
    const u1 = 1 - this.next();
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  /** Exponential deviate with the given mean (e.g. inter-arrival time in ms). */
  exponential(mean) {
    return -Math.log(1 - this.next()) * mean;
  }
  /** Geometric count of failures before a success, success probability `p` in (0, 1]. */
  geometric(p) {
    if (p >= 1) return 0;
    return Math.floor(Math.log(1 - this.next()) / Math.log(1 - p));
  }
};
function rotl(x, k) {
  return x << k | x >>> 32 - k;
}
function hashNumber(seed) {
  if (!Number.isSafeInteger(seed)) return hashString(String(seed));
  const low = seed % 4294967296 >>> 0;
  const high = Math.floor(seed / 4294967296) >>> 0;
  return mix32(mix32(low) ^ Math.imul(high, 2654435761));
}
function hashString(text2) {
  let h = 2166136261;
  for (let i = 0; i < text2.length; i++) {
    h ^= text2.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return mix32(h);
}
function mix32(value) {
  let z = value | 0;
  z = Math.imul(z ^ z >>> 16, 2146121005);
  z = Math.imul(z ^ z >>> 15, 2221713035);
  return (z ^ z >>> 16) >>> 0;
}

// src/cli/generate/transaction-model.ts
var MERCHANT_CATEGORIES = [
  { name: "grocery", weight: 5 },
  { name: "restaurant", weight: 4 },
  { name: "fuel", weight: 2 },
  { name: "pharmacy", weight: 1.5 },
  { name: "clothing", weight: 1.5 },
  { name: "electronics", weight: 1 },
  { name: "entertainment", weight: 1 },
  { name: "travel", weight: 0.7 },
  { name: "utilities", weight: 0.5 }
];
var ONLINE_CATEGORIES = ["online_retail", "digital_goods", "subscriptions", "electronics"];
var ONLINE_MERCHANTS = 40;
var NEW_MERCHANT_PROBABILITY = 0.03;
var SECOND_DEVICE_PROBABILITY = 0.1;
var SECOND_CARD_PROBABILITY = 0.2;
var LOCAL_NOISE_DEG = 0.02;
var TransactionModel = class {
  accounts;
  merchants;
  /** Per city: indexes of its merchants; online merchants are in `onlineMerchants`. */
  merchantsByCity;
  onlineMerchants;
  accountChoice;
  merchantHabit;
  prng;
  runTag;
  txnSeq = 0;
  deviceSeq = 0;
  /** `prng` is consumed: the world and the payment stream each use a fork of it. */
  constructor(prng, options) {
    if (options.accounts < 1) throw new RangeError("transactions need at least 1 account");
    this.runTag = options.runTag;
    const world = prng.fork("accounts");
    this.prng = prng.fork("payments");
    const merchantCategory = new WeightedChoice(MERCHANT_CATEGORIES.map((c) => c.weight));
    const perCity = Math.min(400, Math.max(15, Math.ceil(options.accounts / 8)));
    const merchants = [];
    const byCity = CITIES.map(() => []);
    CITIES.forEach((_, city) => {
      for (let i = 0; i < perCity; i++) {
        const index = merchants.length;
        const category = MERCHANT_CATEGORIES[merchantCategory.sample(world)]?.name ?? "grocery";
        merchants.push({ id: merchantId(index), index, category, city });
        byCity[city]?.push(index);
      }
    });
    const online = [];
    for (let i = 0; i < ONLINE_MERCHANTS; i++) {
      const index = merchants.length;
      merchants.push({
        id: merchantId(index),
        index,
        category: world.pick(ONLINE_CATEGORIES),
        city: -1
      });
      online.push(index);
    }
    this.merchants = merchants;
    this.merchantsByCity = byCity;
    this.onlineMerchants = online;
    const cityChoice = new WeightedChoice(CITIES.map((c) => c.population));
    const localPopularity = WeightedChoice.zipf(perCity, 0.9);
    const onlinePopularity = WeightedChoice.zipf(ONLINE_MERCHANTS, 1.1);
    let cardSeq = 0;
    const habits = [];
    this.accounts = Array.from({ length: options.accounts }, (_, index) => {
      const city = cityChoice.sample(world);
      const home = CITIES[city];
      const cards = [`card-${pad2(cardSeq++, 6)}`];
      if (world.chance(0.35)) cards.push(`card-${pad2(cardSeq++, 6)}`);
      const devices = [this.newDeviceId()];
      if (world.chance(0.4)) devices.push(this.newDeviceId());
      const usual = [];
      const localCount = world.int(4, 12);
      const localMerchants = byCity[city] ?? [];
      for (let attempt = 0; usual.length < localCount && attempt < 200; attempt++) {
        const m = localMerchants[localPopularity.sample(world)];
        if (m !== void 0 && !usual.includes(m)) usual.push(m);
      }
      const onlineCount = world.int(1, 3);
      for (let attempt = 0; usual.length < localCount + onlineCount && attempt < 200; attempt++) {
        const m = online[onlinePopularity.sample(world)];
        if (m !== void 0 && !usual.includes(m)) usual.push(m);
      }
      habits.push(WeightedChoice.zipf(usual.length, 1));
      const medianAmount = 35 * Math.exp(clip(0.5 * world.normal(), -1, 1.5));
      return {
        id: `acct-${pad2(index, 5)}`,
        index,
        cards,
        city,
        homeLat: round(home.lat + 0.05 * world.normal(), 5),
        homeLon: round(home.lon + 0.05 * world.normal(), 5),
        devices,
        usualMerchants: usual,
        amountMu: Math.log(medianAmount),
        amountSigma: world.uniform(0.35, 0.75)
      };
    });
    this.merchantHabit = habits;
    this.accountChoice = new WeightedChoice(
      this.accounts.map(() => Math.exp(0.8 * world.normal()))
    );
  }
  /** Mean of the account's amount habit (of the unclipped lognormal), currency units. */
  habitMean(account) {
    return Math.exp(account.amountMu + account.amountSigma ** 2 / 2);
  }
  /** Standard deviation of the account's amount habit (of the unclipped lognormal). */
  habitStdDev(account) {
    return this.habitMean(account) * Math.sqrt(Math.expm1(account.amountSigma ** 2));
  }
  /** An account, weighted by how often it pays. */
  pickAccount(prng = this.prng) {
    return this.accounts[this.accountChoice.sample(prng)];
  }
  /** The account's home city. */
  homeCity(account) {
    return CITIES[account.city];
  }
  /** A payment that follows the account's habits with small noise. */
  normalTransaction(tsMs) {
    const prng = this.prng;
    const account = this.pickAccount();
    const card = account.cards.length > 1 && prng.chance(SECOND_CARD_PROBABILITY) ? account.cards[1] : account.cards[0];
    const device = account.devices.length > 1 && prng.chance(SECOND_DEVICE_PROBABILITY) ? account.devices[1] : account.devices[0];
    let merchantIndex;
    if (prng.chance(NEW_MERCHANT_PROBABILITY)) {
      merchantIndex = prng.pick(this.merchantsByCity[account.city] ?? this.onlineMerchants);
    } else {
      const habit = this.merchantHabit[account.index];
      merchantIndex = account.usualMerchants[habit.sample(prng)] ?? 0;
    }
    const z = clip(prng.normal(), -3, 3);
    const amount = Math.max(0.5, round(Math.exp(account.amountMu + account.amountSigma * z), 2));
    const home = this.homeCity(account);
    return this.transaction({
      account,
      cardId: card ?? account.cards[0] ?? "",
      merchant: this.merchants[merchantIndex],
      amount,
      deviceId: device ?? "",
      lat: account.homeLat + LOCAL_NOISE_DEG * prng.normal(),
      lon: account.homeLon + LOCAL_NOISE_DEG * prng.normal(),
      city: home,
      tsMs
    });
  }
  /** Builds a transaction with a fresh `txn_id`; amounts round to cents, coordinates to 1e-5°. */
  transaction(parts) {
    return {
      txn_id: `txn-${this.runTag}-${this.txnSeq++}`,
      account_id: parts.account.id,
      card_id: parts.cardId,
      amount: round(parts.amount, 2),
      currency: parts.city.currency,
      merchant_id: parts.merchant.id,
      merchant_category: parts.merchant.category,
      device_id: parts.deviceId,
      lat: round(parts.lat, 5),
      lon: round(parts.lon, 5),
      country: parts.city.country,
      ts: parts.tsMs
    };
  }
  /** A device id never used before (accounts' own devices and fraudsters' share one sequence). */
  newDeviceId() {
    return `dev-${pad2(this.deviceSeq++, 8)}`;
  }
};
function merchantId(index) {
  return `merch-${pad2(index, 5)}`;
}
function pad2(n, width) {
  return String(n).padStart(width, "0");
}
function clip(x, min, max) {
  return Math.min(max, Math.max(min, x));
}
function round(x, decimals) {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

// src/cli/generate/demo-data-generator.ts
var EVENT_STREAMS = ["activity", "transactions"];
var DEFAULT_TOPIC_NAMES = {
  activity: "user-activity",
  transactions: "transactions",
  fraudLabels: "fraud-labels"
};
var DEFAULT_JITTER = {
  jitterMs: 300,
  jitterRate: 0.2,
  lateRate: 0.01,
  lateMaxMs: 5e3
};
var DEFAULT_DEMO_DATA_OPTIONS = {
  seed: 42,
  streams: EVENT_STREAMS,
  topicNames: DEFAULT_TOPIC_NAMES,
  users: 5e3,
  items: 2e3,
  accounts: 2e3,
  fraudRate: 0.01,
  corruptRate: 0,
  eventRatePerSec: 1e3,
  activityShare: 0.5,
  jitter: DEFAULT_JITTER,
  maxOversized: 10
};
var DemoDataGenerator = class {
  options;
  /** Undefined when the activity stream is off. */
  activity;
  /** Undefined when the transactions stream is off. */
  transactions;
  /** Short id shared by this run's event, session, transaction and incident ids. */
  runTag;
  fraud;
  corruptor;
  planned = new EventQueue();
  busyUntilMs = /* @__PURE__ */ new Map();
  outbox = [];
  clockPrng;
  mixPrng;
  fraudPrng;
  corruptPrng;
  incidentProbability;
  meanGapMs;
  clockMs;
  counters;
  constructor(options) {
    const o = { ...DEFAULT_DEMO_DATA_OPTIONS, ...options };
    validate(o);
    this.options = o;
    const root = new Prng(o.seed);
    this.runTag = new Prng(`${o.seed}@${o.startMs}`).nextUint32().toString(36).padStart(7, "0");
    const activityPrng = root.fork("activity");
    const transactionPrng = root.fork("transactions");
    this.fraudPrng = root.fork("fraud");
    this.corruptPrng = root.fork("corruption");
    this.clockPrng = root.fork("clock");
    this.mixPrng = root.fork("mix");
    this.activity = o.streams.includes("activity") ? new ActivityModel(activityPrng, {
      users: o.users,
      items: o.items,
      runTag: this.runTag,
      ...o.activityBehaviour ? { behaviour: o.activityBehaviour } : {}
    }) : void 0;
    this.transactions = o.streams.includes("transactions") ? new TransactionModel(transactionPrng, { accounts: o.accounts, runTag: this.runTag }) : void 0;
    this.fraud = this.transactions ? new FraudPatterns(this.fraudPrng.fork("plans"), this.transactions, this.runTag) : void 0;
    this.corruptor = new Corruptor(this.corruptPrng.fork("values"), {
      maxOversized: o.maxOversized
    });
    this.incidentProbability = FraudPatterns.incidentProbability(o.fraudRate);
    this.meanGapMs = 1e3 / o.eventRatePerSec;
    this.clockMs = o.startMs;
    const zero = (keys) => Object.fromEntries(keys.map((k) => [k, 0]));
    this.counters = {
      events: 0,
      messagesByTopic: {},
      activityByType: zero(["view", "add_to_cart", "purchase"]),
      fraudTransactionsByPattern: zero(FRAUD_PATTERNS),
      fraudIncidentsByPattern: zero(FRAUD_PATTERNS),
      corruptionsByKind: zero(CORRUPTION_KIND_NAMES),
      firstEventMs: o.startMs,
      lastEventMs: o.startMs
    };
  }
  /** Topics this run writes to (event topics, plus fraud labels when payments are on). */
  topics() {
    const names2 = this.options.topicNames;
    const topics = [];
    if (this.activity) topics.push(names2.activity);
    if (this.transactions) topics.push(names2.transactions, names2.fraudLabels);
    return topics;
  }
  /** A snapshot of what has been produced so far. */
  stats() {
    return structuredClone({ ...this.counters, corruptionsByKind: { ...this.corruptor.counts } });
  }
  /** Event messages produced so far (labels excluded). */
  get events() {
    return this.counters.events;
  }
  /** The next message: a pending label if any, else the next event. */
  next() {
    const pending = this.outbox.shift();
    if (pending !== void 0) return this.count(pending);
    this.clockMs += this.clockPrng.exponential(this.meanGapMs);
    this.counters.lastEventMs = Math.round(this.clockMs);
    this.counters.events++;
    const due = this.planned.peekDueMs();
    if (due !== void 0 && due <= this.clockMs) return this.count(this.emitFraud());
    const activity = this.activity !== void 0 && (this.transactions === void 0 || this.mixPrng.chance(this.options.activityShare));
    return this.count(activity ? this.emitActivity() : this.emitPayment());
  }
  /** Yields `events` event messages and the labels of the fraudulent ones (labels not counted). */
  *take(events) {
    const end = this.counters.events + events;
    while (this.counters.events < end || this.outbox.length > 0) yield this.next();
  }
  *[Symbol.iterator]() {
    for (; ; ) yield this.next();
  }
  emitActivity() {
    const model = this.activity;
    const event = model.nextEvent(this.eventTimeMs(Math.round(this.clockMs)));
    this.counters.activityByType[event.event_type]++;
    return this.eventMessage("activity", this.options.topicNames.activity, event.user_id, event);
  }
  emitPayment() {
    const model = this.transactions;
    const fraud = this.fraud;
    if (this.incidentProbability > 0 && this.fraudPrng.chance(this.incidentProbability)) {
      this.planIncident(fraud, model);
    }
    const txn = model.normalTransaction(this.eventTimeMs(Math.round(this.clockMs)));
    return this.eventMessage(
      "transactions",
      this.options.topicNames.transactions,
      txn.card_id,
      txn
    );
  }
  planIncident(fraud, model) {
    let account = model.pickAccount(this.fraudPrng);
    for (let i = 0; i < 5 && (this.busyUntilMs.get(account.id) ?? -Infinity) >= this.clockMs; i++) {
      account = model.pickAccount(this.fraudPrng);
    }
    if ((this.busyUntilMs.get(account.id) ?? -Infinity) >= this.clockMs) return;
    const plan = fraud.planRandom(Math.ceil(this.clockMs), account);
    plan.forEach((p, position) => this.planned.push(p.txn.ts, { ...p, position }));
    const lastMs = plan.at(-1)?.txn.ts ?? this.clockMs;
    this.busyUntilMs.set(account.id, lastMs);
  }
  emitFraud() {
    const planned = this.planned.pop();
    const txn = { ...planned.txn, ts: this.eventTimeMs(planned.txn.ts) };
    this.counters.fraudTransactionsByPattern[planned.pattern]++;
    if (planned.position === 0) this.counters.fraudIncidentsByPattern[planned.pattern]++;
    const label = {
      txn_id: txn.txn_id,
      pattern: planned.pattern,
      incident_id: planned.incidentId,
      account_id: txn.account_id
    };
    this.outbox.push({
      topic: this.options.topicNames.fraudLabels,
      key: txn.txn_id,
      value: Buffer.from(JSON.stringify(label)),
      timestampMs: txn.ts,
      stream: "fraud-labels"
    });
    return {
      topic: this.options.topicNames.transactions,
      key: txn.card_id,
      value: Buffer.from(JSON.stringify(txn)),
      timestampMs: txn.ts,
      stream: "transactions"
    };
  }
  eventMessage(stream, topic, key, event) {
    if (this.options.corruptRate > 0 && this.corruptPrng.chance(this.options.corruptRate)) {
      const bad = this.corruptor.corrupt({ ...event }, stream);
      return { topic, key, value: bad.value, timestampMs: event.ts, stream, corruption: bad.kind };
    }
    return { topic, key, value: Buffer.from(JSON.stringify(event)), timestampMs: event.ts, stream };
  }
  /** Event time for an event due at `clockMs`: mostly in order, some a little or a lot late. */
  eventTimeMs(clockMs) {
    const { jitterMs, jitterRate, lateRate, lateMaxMs } = this.options.jitter;
    const r = this.clockPrng.next();
    if (r < lateRate) return clockMs - Math.round(this.clockPrng.uniform(jitterMs, lateMaxMs));
    if (r < lateRate + jitterRate) return clockMs - Math.round(this.clockPrng.uniform(0, jitterMs));
    return clockMs;
  }
  count(message) {
    const byTopic = this.counters.messagesByTopic;
    byTopic[message.topic] = (byTopic[message.topic] ?? 0) + 1;
    return message;
  }
};
function validate(o) {
  const problems = [];
  const positiveInt = (name, v) => {
    if (!Number.isSafeInteger(v) || v < 1) problems.push(`${name} must be a positive integer`);
  };
  const fraction = (name, v, maxExclusive = false) => {
    if (!(v >= 0 && (maxExclusive ? v < 1 : v <= 1))) {
      problems.push(`${name} must be in [0, 1${maxExclusive ? ")" : "]"}`);
    }
  };
  positiveInt("users", o.users);
  if (!Number.isSafeInteger(o.items) || o.items < 2) problems.push("items must be at least 2");
  positiveInt("accounts", o.accounts);
  fraction("fraudRate", o.fraudRate, true);
  fraction("corruptRate", o.corruptRate);
  fraction("activityShare", o.activityShare);
  fraction("jitter.jitterRate", o.jitter.jitterRate);
  fraction("jitter.lateRate", o.jitter.lateRate);
  if (o.jitter.jitterRate + o.jitter.lateRate > 1) problems.push("jitter rates add up past 1");
  if (!(o.jitter.jitterMs >= 0 && o.jitter.lateMaxMs >= o.jitter.jitterMs)) {
    problems.push("jitter needs 0 <= jitterMs <= lateMaxMs");
  }
  if (!(o.eventRatePerSec > 0 && Number.isFinite(o.eventRatePerSec))) {
    problems.push("eventRatePerSec must be a positive number");
  }
  if (!Number.isFinite(o.startMs)) problems.push("startMs must be a number");
  if (!Number.isSafeInteger(o.seed)) problems.push("seed must be an integer");
  if (o.streams.length === 0) problems.push("at least one stream (activity, transactions)");
  if (problems.length > 0) {
    throw new SluiceError("CONFIG_INVALID", `invalid generator options: ${problems.join("; ")}`);
  }
}

// src/state/memory/memory-key-value-store.ts
var MemoryKeyValueStore = class {
  constructor(name, options = {}) {
    this.name = name;
    this.copyValues = options.copyValues === true;
  }
  name;
  map = /* @__PURE__ */ new Map();
  copyValues;
  get(key) {
    const value = this.map.get(key);
    return this.copyValues && value !== void 0 ? copy(value) : value;
  }
  put(key, value) {
    this.map.set(key, this.copyValues ? copy(value) : value);
  }
  delete(key) {
    this.map.delete(key);
  }
  prefetch(_keys) {
    return Promise.resolve();
  }
  async *entries() {
    for (const [key, value] of [...this.map]) yield [key, this.copyValues ? copy(value) : value];
  }
  /** Number of keys held. */
  get size() {
    return this.map.size;
  }
  /** Every key-value pair, sorted by the keys' UTF-8 bytes (RocksDB's order). */
  snapshot() {
    return [...this.map].map(([key, value]) => [
      Buffer.from(key),
      key,
      this.copyValues ? copy(value) : value
    ]).sort(([a], [b]) => Buffer.compare(a, b)).map(([, key, value]) => [key, value]);
  }
  /** The query API's view of this store: async reads, key ranges in key order. */
  readOnly() {
    return {
      name: this.name,
      get: (key) => Promise.resolve(this.get(key)),
      range: ({ fromKey, toKey, limit }) => Promise.resolve(
        this.snapshot().filter(
          ([key]) => (fromKey === void 0 || utf8Compare(key, fromKey) >= 0) && (toKey === void 0 || utf8Compare(key, toKey) < 0)
        ).slice(0, Math.max(0, limit))
      ),
      approximateNumEntries: () => Promise.resolve(this.map.size)
    };
  }
};
function utf8Compare(a, b) {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
function copy(value) {
  return JSON.parse(JSON.stringify(value));
}

// src/scoring/fraud/running-stats.ts
function emptyStats() {
  return { n: 0, mean: 0, m2: 0 };
}
function addToStats(stats, x) {
  stats.n += 1;
  const delta = x - stats.mean;
  stats.mean += delta / stats.n;
  stats.m2 += delta * (x - stats.mean);
}
function statsVariance(stats) {
  return stats.n < 2 ? 0 : Math.max(0, stats.m2 / (stats.n - 1));
}
function statsStdDev(stats) {
  return Math.sqrt(statsVariance(stats));
}

// src/scoring/fraud/account-state.ts
function newAccountState() {
  return {
    amount: emptyStats(),
    logAmount: emptyStats(),
    devices: [],
    merchants: [],
    countries: [],
    cards: [],
    last: null,
    recent: [],
    small: [],
    scored: 0,
    last_score: null
  };
}
function findSeen(list, id) {
  for (const entry of list) if (entry[0] === id) return entry;
  return void 0;
}
function markSeen(list, id, timestampMs, max) {
  const entry = findSeen(list, id);
  if (entry !== void 0) {
    entry[1] += 1;
    if (timestampMs > entry[2]) entry[2] = timestampMs;
    return;
  }
  if (list.length >= max) {
    let victim = 0;
    for (let i = 1; i < list.length; i++) {
      const a = list[i];
      const b = list[victim];
      if (a[1] < b[1] || a[1] === b[1] && a[2] < b[2]) victim = i;
    }
    list.splice(victim, 1);
  }
  list.push([id, 1, timestampMs]);
}
function learnPayment(state, txn, limits) {
  addToStats(state.amount, txn.amount);
  if (txn.amount > 0) {
    const log = state.logAmount;
    let x = Math.log(txn.amount);
    const clamp = limits.learnClampLogStdDevs;
    if (clamp > 0 && log.n >= limits.warmup && log.n >= 2) {
      const bound = clamp * statsStdDev(log);
      x = Math.min(log.mean + bound, Math.max(log.mean - bound, x));
    }
    addToStats(log, x);
  }
  const ts = txn.timestampMs;
  markSeen(state.devices, txn.deviceId, ts, limits.maxDevices);
  markSeen(state.merchants, txn.merchantId, ts, limits.maxMerchants);
  markSeen(state.countries, txn.country, ts, limits.maxCountries);
  markSeen(state.cards, txn.cardId, ts, limits.maxCards);
  if (state.last === null || ts >= state.last[2]) state.last = [txn.lat, txn.lon, ts];
}
function rememberPayment(state, txn, limits) {
  const ts = txn.timestampMs;
  state.scored += 1;
  const recent = state.recent;
  recent.push([ts, txn.amount, txn.cardId, txn.merchantId, txn.country]);
  let drop = Math.max(0, recent.length - limits.maxRecent);
  while (drop < recent.length && recent[drop][0] <= ts - limits.recentRetentionMs) drop++;
  if (drop > 0) recent.splice(0, drop);
  const small = state.small;
  if (txn.amount <= limits.smallAmount) small.push([ts, txn.cardId]);
  let dropSmall = Math.max(0, small.length - limits.maxRecent);
  while (dropSmall < small.length && small[dropSmall][0] <= ts - limits.smallRetentionMs)
    dropSmall++;
  if (dropSmall > 0) small.splice(0, dropSmall);
}

// src/scoring/fraud/fraud-alert-log.ts
var HEAD_KEY = "head";
function slotKey(slot) {
  return `slot-${slot}`;
}
function fraudAlertRows(key, value, fromMs, toMs) {
  if (typeof value !== "object" || value === null || !("alert" in value)) return [];
  const { seq, alert } = value;
  const at = alert.emitted_at;
  if (fromMs !== void 0 && at < fromMs || toMs !== void 0 && at >= toMs) return [];
  return [{ key, startMs: at, endMs: at + 1, seq, ...alert }];
}
var FraudAlertLog = class _FraudAlertLog {
  constructor(store, keep) {
    this.store = store;
    this.keep = keep;
    const head = store.get(HEAD_KEY);
    this.next = head !== void 0 && "next" in head ? head.next : 0;
  }
  store;
  keep;
  next;
  /** Opens the ring (loads its head, restored by the runtime before `init`). */
  static async open(store, keep) {
    await store.prefetch([HEAD_KEY]);
    return new _FraudAlertLog(store, keep);
  }
  /** Stores `alert`, overwriting the oldest once `keep` alerts are stored. */
  append(alert) {
    const seq = this.next++;
    this.store.put(slotKey(seq % this.keep), { seq, alert });
    this.store.put(HEAD_KEY, { next: this.next });
  }
};

// src/scoring/fraud/haversine-km.ts
var EARTH_RADIUS_KM = 6371.0088;
var RADIANS_PER_DEGREE = Math.PI / 180;
function haversineKm(lat1, lon1, lat2, lon2) {
  const phi1 = lat1 * RADIANS_PER_DEGREE;
  const phi2 = lat2 * RADIANS_PER_DEGREE;
  const dPhi = phi2 - phi1;
  const dLambda = (lon2 - lon1) * RADIANS_PER_DEGREE;
  const a = Math.sin(dPhi / 2) ** 2 + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dLambda / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

// src/scoring/fraud/fraud-features.ts
var MIN_ELAPSED_HOURS = 1 / 3600;
var VELOCITY_MEASURES = ["count", "sum", "merchants", "countries"];
var FRAUD_FEATURE_DOCS = {
  txn_count: "payments learned by the account profile before this one",
  warm: "txn_count >= warmup: the profile has enough history to judge amounts",
  amount_mean: "mean learned amount (Welford)",
  amount_stddev: "sample standard deviation of learned amounts (Welford)",
  amount_z: "(amount - amount_mean) / amount_stddev once warm, else 0",
  amount_log_z: "(ln(amount) - mean ln) / (log spread \xB7 sqrt(1 + 1/n)) once warm, else 0; the log spread is shrunk towards profile.priorLogStdDev",
  amount_lognormal_z: "z-score of amount under the lognormal habit fitted to ln(amount) (mean e^(m+s\xB2/2), stddev mean\xB7sqrt(e^(s\xB2)-1)) once warm, else 0",
  amount_ratio: "amount / amount_mean (0 before the first learned payment)",
  small_amount: "amount <= cardTesting.smallAmount",
  new_device: "device_id not in the profile (always true for a new account)",
  new_merchant: "merchant_id not in the profile",
  new_country: "country not in the profile",
  new_card: "card_id not in the profile",
  distance_km: "haversine km from the last learned payment (0 without one)",
  elapsed_s: "seconds of event time since that payment (absolute value)",
  speed_kmh: "distance_km / elapsed hours (elapsed at least 1 s)",
  impossible_travel: "distance_km >= geo.minDistanceKm and speed_kmh > geo.impossibleSpeedKmh",
  card_small_count: "small payments on this card in the card-testing window before this one",
  card_testing: "card_small_count >= cardTesting.minSmall and amount >= cardTesting.largeAmount",
  "card_count_<w>": "payments on this card in window <w>, this one included",
  "card_sum_<w>": "their total amount",
  "card_merchants_<w>": "distinct merchants among them",
  "card_countries_<w>": "distinct countries among them",
  "account_count_<w>": "payments on the account (any card) in window <w>, this one included",
  "account_sum_<w>": "their total amount",
  "account_merchants_<w>": "distinct merchants among them",
  "account_countries_<w>": "distinct countries among them"
};
function fraudFeatureNames(windows) {
  const names2 = [];
  for (const name of Object.keys(FRAUD_FEATURE_DOCS)) {
    if (!name.endsWith("_<w>")) names2.push(name);
    else for (const w of windows) names2.push(name.replace("<w>", w.name));
  }
  return names2;
}
var FraudFeatureExtractor = class {
  constructor(options) {
    this.options = options;
    this.names = options.windows.map((w) => {
      const out = {};
      for (const scope of ["card", "account"]) {
        for (const m of VELOCITY_MEASURES) out[`${scope}_${m}`] = `${scope}_${m}_${w.name}`;
      }
      return out;
    });
    this.featureNames = fraudFeatureNames(options.windows);
    const zeros = () => options.windows.map(() => 0);
    this.fromMs = zeros();
    this.cardCount = zeros();
    this.cardSum = zeros();
    this.accountCount = zeros();
    this.accountSum = zeros();
  }
  options;
  names;
  // Scratch space reused by every call (one extractor per task, calls never overlap).
  fromMs;
  cardCount;
  cardSum;
  accountCount;
  accountSum;
  /** Newest event time per card merchant, card country, account merchant, account country. */
  newest = [
    /* @__PURE__ */ new Map(),
    /* @__PURE__ */ new Map(),
    /* @__PURE__ */ new Map(),
    /* @__PURE__ */ new Map()
  ];
  /** Every feature name, in the order `compute` sets them. */
  featureNames;
  /**
   * Features of `txn` given its account's `state` (not yet containing `txn`). Writes them into
   * `out` (a reused object keeps one shape and spares an allocation per payment) and returns it.
   * Does not change `state`.
   */
  compute(state, txn, out = {}) {
    const o = this.options;
    const f = out;
    const n = state.amount.n;
    const warm = n >= o.warmup;
    const stddev = statsStdDev(state.amount);
    f["txn_count"] = n;
    f["warm"] = warm;
    f["amount_mean"] = state.amount.mean;
    f["amount_stddev"] = stddev;
    f["amount_z"] = warm && stddev > 0 ? (txn.amount - state.amount.mean) / stddev : 0;
    let logZ = 0;
    let lognormalZ = 0;
    if (warm && txn.amount > 0) {
      const log = state.logAmount;
      const weight = o.priorWeight;
      const dof = weight + log.n - 1;
      const variance = dof > 0 ? (weight * o.priorLogStdDev ** 2 + Math.max(0, log.m2)) / dof : o.priorLogStdDev ** 2;
      if (variance > 0) {
        logZ = (Math.log(txn.amount) - log.mean) / Math.sqrt(variance * (1 + 1 / log.n));
        const habitMean = Math.exp(log.mean + variance / 2);
        lognormalZ = (txn.amount - habitMean) / (habitMean * Math.sqrt(Math.expm1(variance)));
      }
    }
    f["amount_log_z"] = logZ;
    f["amount_lognormal_z"] = lognormalZ;
    f["amount_ratio"] = n > 0 && state.amount.mean > 0 ? txn.amount / state.amount.mean : 0;
    f["small_amount"] = txn.amount <= o.cardTesting.smallAmount;
    f["new_device"] = findSeen(state.devices, txn.deviceId) === void 0;
    f["new_merchant"] = findSeen(state.merchants, txn.merchantId) === void 0;
    f["new_country"] = findSeen(state.countries, txn.country) === void 0;
    f["new_card"] = findSeen(state.cards, txn.cardId) === void 0;
    let distanceKm2 = 0;
    let elapsedS = 0;
    let speedKmh = 0;
    if (state.last !== null) {
      const [lat, lon, lastMs] = state.last;
      distanceKm2 = haversineKm(lat, lon, txn.lat, txn.lon);
      elapsedS = Math.abs(txn.timestampMs - lastMs) / 1e3;
      speedKmh = distanceKm2 / Math.max(elapsedS / 3600, MIN_ELAPSED_HOURS);
    }
    f["distance_km"] = distanceKm2;
    f["elapsed_s"] = elapsedS;
    f["speed_kmh"] = speedKmh;
    f["impossible_travel"] = distanceKm2 >= o.minTravelKm && speedKmh > o.impossibleSpeedKmh;
    let smallCount = 0;
    const smallFromMs = txn.timestampMs - o.cardTesting.windowMs;
    for (const e of state.small) {
      if (e[0] > smallFromMs && e[1] === txn.cardId) smallCount++;
    }
    f["card_small_count"] = smallCount;
    f["card_testing"] = smallCount >= o.cardTesting.minSmall && txn.amount >= o.cardTesting.largeAmount;
    this.velocity(state, txn, f);
    return f;
  }
  /**
   * Count, sum and distinct merchants and countries per window, per card and per account, in
   * one pass over the recent payments. Distinct counts keep the newest event time of each
   * merchant or country: it is in window w when that time is after w's start.
   */
  velocity(state, txn, f) {
    const windows = this.options.windows;
    const w = windows.length;
    const fromMs = this.fromMs;
    const cardCount = this.cardCount;
    const cardSum = this.cardSum;
    const accountCount = this.accountCount;
    const accountSum = this.accountSum;
    const ts0 = txn.timestampMs;
    for (let i = 0; i < w; i++) {
      fromMs[i] = ts0 - windows[i].sizeMs;
      cardCount[i] = 1;
      cardSum[i] = txn.amount;
      accountCount[i] = 1;
      accountSum[i] = txn.amount;
    }
    const newest = this.newest;
    for (const m of newest) m.clear();
    const [cardMerchants, cardCountries, accountMerchants, accountCountries] = newest;
    cardMerchants.set(txn.merchantId, Number.POSITIVE_INFINITY);
    cardCountries.set(txn.country, Number.POSITIVE_INFINITY);
    accountMerchants.set(txn.merchantId, Number.POSITIVE_INFINITY);
    accountCountries.set(txn.country, Number.POSITIVE_INFINITY);
    const oldestFromMs = Math.min(...fromMs.slice(0, w));
    const recent = state.recent;
    for (let r = 0; r < recent.length; r++) {
      const e = recent[r];
      const ts = e[0];
      if (ts <= oldestFromMs) continue;
      const amount = e[1];
      const sameCard = e[2] === txn.cardId;
      for (let i = 0; i < w; i++) {
        if (ts <= fromMs[i]) continue;
        accountCount[i]++;
        accountSum[i] += amount;
        if (sameCard) {
          cardCount[i]++;
          cardSum[i] += amount;
        }
      }
      newer(accountMerchants, e[3], ts);
      newer(accountCountries, e[4], ts);
      if (sameCard) {
        newer(cardMerchants, e[3], ts);
        newer(cardCountries, e[4], ts);
      }
    }
    for (let i = 0; i < w; i++) {
      const names2 = this.names[i];
      const from = fromMs[i];
      f[names2["card_count"]] = cardCount[i];
      f[names2["card_sum"]] = cardSum[i];
      f[names2["card_merchants"]] = countAfter(cardMerchants, from);
      f[names2["card_countries"]] = countAfter(cardCountries, from);
      f[names2["account_count"]] = accountCount[i];
      f[names2["account_sum"]] = accountSum[i];
      f[names2["account_merchants"]] = countAfter(accountMerchants, from);
      f[names2["account_countries"]] = countAfter(accountCountries, from);
    }
  }
};
function newer(map, id, ts) {
  const seen = map.get(id);
  if (seen === void 0 || ts > seen) map.set(id, ts);
}
function countAfter(map, fromMs) {
  let n = 0;
  for (const ts of map.values()) if (ts > fromMs) n++;
  return n;
}

// src/scoring/fraud/fraud-transaction.ts
function readFraudTransaction(value, timestampMs) {
  return {
    txnId: text(value, "txn_id"),
    accountId: text(value, "account_id"),
    cardId: text(value, "card_id"),
    amount: number(value, "amount"),
    merchantId: text(value, "merchant_id"),
    deviceId: text(value, "device_id"),
    lat: number(value, "lat"),
    lon: number(value, "lon"),
    country: text(value, "country"),
    timestampMs
  };
}
function text(value, field) {
  const v = value[field];
  if (typeof v === "string") return v;
  throw v === void 0 || v === null ? missing(field) : wrongType(field, "a string");
}
function number(value, field) {
  const v = value[field];
  if (typeof v === "number" && Number.isFinite(v)) return v;
  throw v === void 0 || v === null ? missing(field) : wrongType(field, "a finite number");
}
function missing(field) {
  return new SluiceError("FIELD_MISSING", `transaction field "${field}" is missing`, {
    context: { field }
  });
}
function wrongType(field, expected) {
  return new SluiceError("FIELD_TYPE", `transaction field "${field}" must be ${expected}`, {
    context: { field }
  });
}

// src/scoring/fraud/fraud-score-processor.ts
var TRANSACTION_FIELDS = [
  "txn_id",
  "account_id",
  "card_id",
  "amount",
  "currency",
  "merchant_id",
  "merchant_category",
  "device_id",
  "lat",
  "lon",
  "country",
  "ts"
];
var FRAUD_ACCOUNT_STATE = "fraud-accounts";
var FRAUD_ALERT_STATE = "fraud-alerts";
function fraudRuleNames(features2) {
  return /* @__PURE__ */ new Set([...TRANSACTION_FIELDS, ...fraudFeatureNames(features2.windows)]);
}
function validate2(o) {
  const fail = (field, message) => {
    throw new SluiceError("JOB_INVALID", `${field} ${message}`, { context: { field } });
  };
  const f = o.features;
  const whole = (field, v, min) => {
    if (!Number.isSafeInteger(v) || v < min) fail(field, `must be a whole number \u2265 ${min}`);
  };
  const positive = (field, v) => {
    if (!(v > 0 && Number.isFinite(v))) fail(field, "must be a number > 0");
  };
  if (f.windows.length === 0) fail("windows", "needs at least one window");
  for (const w of f.windows) {
    if (!/^[a-z0-9]+$/.test(w.name)) fail(`windows.${w.name}`, "name must be a-z and 0-9 only");
    positive(`windows.${w.name}`, w.sizeMs);
  }
  whole("profile.warmup", f.warmup, 0);
  if (!(f.minTravelKm >= 0)) fail("geo.minDistanceKm", "must be \u2265 0");
  positive("geo.impossibleSpeedKmh", f.impossibleSpeedKmh);
  positive("cardTesting.window", f.cardTesting.windowMs);
  if (!(f.cardTesting.smallAmount >= 0)) fail("cardTesting.smallAmount", "must be \u2265 0");
  if (!(f.cardTesting.largeAmount > f.cardTesting.smallAmount))
    fail("cardTesting.largeAmount", "must be larger than smallAmount");
  whole("cardTesting.minSmall", f.cardTesting.minSmall, 1);
  whole("profile.maxRecent", o.profile.maxRecent, 1);
  whole("profile.maxDevices", o.profile.maxDevices, 1);
  whole("profile.maxMerchants", o.profile.maxMerchants, 1);
  whole("profile.maxCountries", o.profile.maxCountries, 1);
  whole("profile.maxCards", o.profile.maxCards, 1);
  if (!(o.profile.learnClampLogStdDevs >= 0)) fail("profile.learnClamp", "must be \u2265 0");
  if (!(f.priorLogStdDev > 0)) fail("profile.priorLogStdDev", "must be > 0");
  if (!(f.priorWeight >= 0)) fail("profile.priorWeight", "must be \u2265 0");
  if (!(o.alert.threshold > 0 && o.alert.threshold <= 1)) fail("alert.threshold", "must be in (0, 1]");
  whole("alert.keep", o.alert.keep, 1);
  if (o.storeName === o.alertStoreName) fail("store.name", "must differ from the alert store name");
}
function round4(x) {
  return Math.round(x * 1e4) / 1e4;
}
function roundedFeatures(features2, names2) {
  const out = {};
  for (const name of names2) {
    const v = features2[name];
    out[name] = typeof v === "number" && !Number.isInteger(v) ? round4(v) : v;
  }
  return out;
}
function seenRows(list) {
  return list.map(([id, count, lastSeenMs]) => ({ id, count, last_seen: lastSeenMs }));
}
function fraudAccountRows(key, value) {
  const s = value;
  const last = s.last_score;
  const at = last?.ts ?? 0;
  return [
    {
      key,
      startMs: at,
      endMs: at + 1,
      account_id: key,
      scored: s.scored,
      profile: {
        learned: s.amount.n,
        amount_mean: round4(s.amount.mean),
        amount_stddev: round4(statsStdDev(s.amount)),
        devices: seenRows(s.devices),
        merchants: seenRows(s.merchants),
        countries: seenRows(s.countries),
        cards: seenRows(s.cards),
        last_location: s.last === null ? null : { lat: s.last[0], lon: s.last[1], ts: s.last[2] }
      },
      features: last?.features ?? {},
      last_score: last === null ? null : {
        txn_id: last.txn_id,
        card_id: last.card_id,
        ts: last.ts,
        score: last.score,
        reasons: last.reasons,
        alerted: last.alerted
      }
    }
  ];
}
var FraudScoreProcessor = class {
  constructor(options) {
    this.options = options;
    validate2(options);
    const f = options.features;
    const p = options.profile;
    const longestWindowMs = Math.max(...f.windows.map((w) => w.sizeMs));
    this.limits = {
      maxDevices: p.maxDevices,
      maxMerchants: p.maxMerchants,
      maxCountries: p.maxCountries,
      maxCards: p.maxCards,
      maxRecent: p.maxRecent,
      recentRetentionMs: longestWindowMs,
      smallRetentionMs: f.cardTesting.windowMs,
      smallAmount: f.cardTesting.smallAmount,
      learnClampLogStdDevs: p.learnClampLogStdDevs,
      warmup: f.warmup
    };
    this.features = new FraudFeatureExtractor(f);
    const l = this.limits;
    this.stateId = `${FRAUD_ACCOUNT_STATE}.v1(recent=${l.maxRecent}/${l.recentRetentionMs},small=${l.smallAmount}/${l.smallRetentionMs},seen=${l.maxDevices}/${l.maxMerchants}/${l.maxCountries}/${l.maxCards},clamp=${l.learnClampLogStdDevs}/${l.warmup})`;
    this.alertStateId = `${FRAUD_ALERT_STATE}.v1(keep=${options.alert.keep})`;
  }
  options;
  stateId;
  alertStateId;
  features;
  limits;
  store;
  alerts;
  scope = {};
  stores() {
    const { storeName, alertStoreName, queryable } = this.options;
    return [
      { name: storeName, kind: "key-value", stateId: this.stateId, queryable, view: fraudAccountRows },
      {
        name: alertStoreName,
        kind: "key-value",
        stateId: this.alertStateId,
        queryable,
        view: fraudAlertRows
      }
    ];
  }
  async init(ctx2) {
    this.store = ctx2.getStore(this.options.storeName);
    const alertStore = ctx2.getStore(this.options.alertStoreName);
    this.alerts = await FraudAlertLog.open(alertStore, this.options.alert.keep);
  }
  prepareBatch(keys) {
    return this.requireStore().prefetch(keys);
  }
  process(record, ctx2) {
    let txn;
    try {
      txn = readFraudTransaction(record.value, record.timestampMs);
    } catch (err) {
      ctx2.deadLetter(record, withNode(err, ctx2.node));
      return;
    }
    if (record.key !== txn.accountId) {
      ctx2.deadLetter(
        record,
        new SluiceError(
          "FIELD_TYPE",
          `${ctx2.node} needs records keyed by account_id (put a key-by account_id before it); key ${JSON.stringify(record.key)} is not account_id ${JSON.stringify(txn.accountId)}`,
          { context: { node: ctx2.node, field: "account_id" } }
        )
      );
      return;
    }
    const store = this.requireStore();
    const state = store.get(txn.accountId) ?? newAccountState();
    const scope = this.scope;
    for (const field of TRANSACTION_FIELDS) {
      const v = record.value[field];
      if (v === void 0) delete scope[field];
      else scope[field] = v;
    }
    this.features.compute(state, txn, scope);
    const rules2 = this.options.rules.current(ctx2.nowMs());
    const { score: rawScore, reasons } = rules2.score(scope);
    const score = round4(rawScore);
    const alerted2 = score >= this.options.alert.threshold;
    if (alerted2) {
      const alert = {
        txn_id: txn.txnId,
        account_id: txn.accountId,
        card_id: txn.cardId,
        score,
        reasons,
        ts: txn.timestampMs,
        emitted_at: ctx2.nowMs()
      };
      ctx2.send({
        topic: this.options.alert.topic,
        key: txn.accountId,
        value: JSON.stringify(alert),
        timestampMs: txn.timestampMs
      });
      this.alerts?.append(alert);
    }
    if (!alerted2 || this.options.profile.learnFromAlerts) learnPayment(state, txn, this.limits);
    rememberPayment(state, txn, this.limits);
    state.last_score = {
      txn_id: txn.txnId,
      card_id: txn.cardId,
      ts: txn.timestampMs,
      score,
      reasons,
      alerted: alerted2,
      features: roundedFeatures(scope, this.features.featureNames)
    };
    store.put(txn.accountId, state);
    ctx2.forward({ ...record, value: { ...record.value, fraud_score: score, fraud_reasons: reasons } });
  }
  requireStore() {
    if (!this.store) throw new SluiceError("INTERNAL", "fraud-score used before init");
    return this.store;
  }
};
function withNode(err, node) {
  if (err instanceof SluiceError) {
    return new SluiceError(err.code, err.message, { cause: err, context: { ...err.context, node } });
  }
  return new SluiceError("INTERNAL", String(err), { cause: err, context: { node } });
}

// src/scoring/fraud/fraud-rules-watcher.ts
import { parse } from "yaml";

// src/scoring/fraud/fraud-rules.ts
import { createHash } from "node:crypto";

// src/expr/expression-math.ts
import { all, create } from "mathjs";

// src/expr/expression-functions.ts
var EARTH_RADIUS_KM2 = 6371.0088;
function typeName(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
function requireString(fn, value) {
  if (typeof value !== "string")
    throw new TypeError(`${fn}() expects a string, got ${typeName(value)}`);
  return value;
}
function requireNumber(fn, value) {
  if (typeof value !== "number")
    throw new TypeError(`${fn}() expects numbers, got ${typeName(value)}`);
  return value;
}
function lower(value) {
  return requireString("lower", value).toLowerCase();
}
function upper(value) {
  return requireString("upper", value).toUpperCase();
}
function trim(value) {
  return requireString("trim", value).trim();
}
function length(value) {
  if (typeof value === "string" || Array.isArray(value)) return value.length;
  throw new TypeError(`length() expects a string or an array, got ${typeName(value)}`);
}
function concat(...values) {
  let out = "";
  for (const value of values) {
    if (value === null) continue;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      out += String(value);
    } else {
      throw new TypeError(`concat() expects strings, numbers or booleans, got ${typeName(value)}`);
    }
  }
  return out;
}
function contains(haystack, needle) {
  if (typeof haystack === "string") return haystack.includes(requireString("contains", needle));
  if (Array.isArray(haystack)) return haystack.includes(needle);
  throw new TypeError(`contains() expects a string or an array first, got ${typeName(haystack)}`);
}
function startsWith(value, prefix) {
  return requireString("startsWith", value).startsWith(requireString("startsWith", prefix));
}
function endsWith(value, suffix) {
  return requireString("endsWith", value).endsWith(requireString("endsWith", suffix));
}
function haversine(lat1, lon1, lat2, lon2) {
  const toRad = Math.PI / 180;
  const phi1 = requireNumber("haversine", lat1) * toRad;
  const phi2 = requireNumber("haversine", lat2) * toRad;
  const dPhi = phi2 - phi1;
  const dLambda = (requireNumber("haversine", lon2) - requireNumber("haversine", lon1)) * toRad;
  const a = Math.sin(dPhi / 2) ** 2 + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dLambda / 2) ** 2;
  return 2 * EARTH_RADIUS_KM2 * Math.asin(Math.min(1, Math.sqrt(a)));
}
function mathjs(minArgs, maxArgs, summary) {
  return { minArgs, maxArgs, source: "mathjs", summary };
}
function sluice(implementation, minArgs, maxArgs, summary) {
  return {
    minArgs,
    maxArgs,
    source: "sluice",
    implementation,
    summary
  };
}
var EXPRESSION_FUNCTIONS = Object.freeze({
  abs: mathjs(1, 1, "absolute value"),
  ceil: mathjs(1, 2, "round up (optionally to n decimals)"),
  floor: mathjs(1, 2, "round down (optionally to n decimals)"),
  round: mathjs(1, 2, "round half away from zero (optionally to n decimals)"),
  sqrt: mathjs(1, 1, "square root (NaN for negative numbers)"),
  cbrt: mathjs(1, 1, "cube root"),
  exp: mathjs(1, 1, "e to the power x"),
  log: mathjs(1, 2, "natural logarithm, or log(x, base)"),
  log10: mathjs(1, 1, "base-10 logarithm"),
  log2: mathjs(1, 1, "base-2 logarithm"),
  pow: mathjs(2, 2, "x to the power y (same as x ^ y)"),
  min: mathjs(1, Infinity, "smallest argument"),
  max: mathjs(1, Infinity, "largest argument"),
  sign: mathjs(1, 1, "-1, 0 or 1"),
  mod: mathjs(2, 2, "remainder with the sign of the divisor (same as x % y)"),
  number: mathjs(1, 1, "convert a numeric string or boolean to a number"),
  lower: sluice(lower, 1, 1, "lower-case a string"),
  upper: sluice(upper, 1, 1, "upper-case a string"),
  trim: sluice(trim, 1, 1, "strip leading and trailing white space"),
  length: sluice(length, 1, 1, "length of a string or an array"),
  concat: sluice(
    concat,
    1,
    Infinity,
    "join strings, numbers and booleans into a string (null adds nothing)"
  ),
  contains: sluice(
    contains,
    2,
    2,
    'substring test, or membership in an array: contains(["NL", "BE"], country)'
  ),
  startsWith: sluice(startsWith, 2, 2, "string starts with a prefix"),
  endsWith: sluice(endsWith, 2, 2, "string ends with a suffix"),
  haversine: sluice(
    haversine,
    4,
    4,
    "great-circle distance in km: haversine(lat1, lon1, lat2, lon2), degrees"
  ),
  has: {
    minArgs: 1,
    maxArgs: 1,
    source: "special",
    summary: "true if the field (or nested field a.b) is present, even when null"
  },
  isNull: {
    minArgs: 1,
    maxArgs: 1,
    source: "special",
    summary: "true if the value is null or the field is missing"
  },
  coalesce: {
    minArgs: 1,
    maxArgs: Infinity,
    source: "special",
    summary: "the first argument that is neither null nor a missing field, else null"
  }
});
var EXPRESSION_CONSTANTS = Object.freeze({
  pi: Math.PI,
  e: Math.E
});
function lookupExpressionFunction(name) {
  return Object.hasOwn(EXPRESSION_FUNCTIONS, name) ? EXPRESSION_FUNCTIONS[name] : void 0;
}
function lookupExpressionConstant(name) {
  return Object.hasOwn(EXPRESSION_CONSTANTS, name) ? EXPRESSION_CONSTANTS[name] : void 0;
}

// src/expr/expression-math.ts
var MISSING = /* @__PURE__ */ Symbol("missing");
var DISABLED_FUNCTIONS = [
  "import",
  "createUnit",
  "reviver",
  "evaluate",
  "parse",
  "parser",
  "compile",
  "simplify",
  "simplifyConstant",
  "simplifyCore",
  "rationalize",
  "derivative",
  "resolve",
  "symbolicEqual",
  "leafCount",
  "help",
  "chain"
];
var OPERATOR_FUNCTIONS = [
  "add",
  "subtract",
  "multiply",
  "divide",
  "pow",
  "mod",
  "unaryMinus",
  "unaryPlus",
  "equal",
  "unequal",
  "smaller",
  "smallerEq",
  "larger",
  "largerEq",
  "and",
  "or",
  "xor",
  "not",
  "nullish"
];
function isMissing(value) {
  return value === MISSING || value === void 0;
}
function isFieldMissing(err) {
  return err instanceof SluiceError && err.code === "FIELD_MISSING";
}
function createLockedMath() {
  if (all === void 0) throw new Error("mathjs did not export its factories");
  const math = create(all, {
    matrix: "Array",
    number: "number",
    predictable: true
  });
  const parse2 = math.parse.bind(math);
  const compiledArgs = /* @__PURE__ */ new WeakMap();
  const evaluateArg = (node, scope) => {
    let compiled = compiledArgs.get(node);
    if (compiled === void 0) {
      compiled = node.compile();
      compiledArgs.set(node, compiled);
    }
    try {
      return compiled.evaluate(scope);
    } catch (err) {
      if (isFieldMissing(err)) return MISSING;
      throw err;
    }
  };
  math.import({
    equal: math.typed("equal", { "string, string": (a, b) => a === b }),
    unequal: math.typed("unequal", { "string, string": (a, b) => a !== b })
  });
  const helpers = {};
  for (const [name, spec] of Object.entries(EXPRESSION_FUNCTIONS)) {
    if (spec.source === "sluice" && spec.implementation !== void 0) {
      helpers[name] = spec.implementation;
    }
  }
  const firstArg = (args, scope) => {
    const [node] = args;
    if (node === void 0) throw new TypeError("missing argument");
    return evaluateArg(node, scope);
  };
  const has = (args, _math, scope) => !isMissing(firstArg(args, scope));
  const isNull = (args, _math, scope) => {
    const value = firstArg(args, scope);
    return value === null || isMissing(value);
  };
  const coalesce = (args, _math, scope) => {
    for (const arg of args) {
      const value = evaluateArg(arg, scope);
      if (value !== null && !isMissing(value)) return value;
    }
    return null;
  };
  for (const fn of [has, isNull, coalesce]) Object.assign(fn, { rawArgs: true });
  helpers["has"] = has;
  helpers["isNull"] = isNull;
  helpers["coalesce"] = coalesce;
  const withTransform = math.expression.mathWithTransform;
  for (const [name, value] of Object.entries(helpers)) {
    Object.defineProperty(withTransform, name, {
      value,
      writable: false,
      enumerable: true,
      configurable: false
    });
  }
  for (const name of [...OPERATOR_FUNCTIONS, ...Object.keys(EXPRESSION_FUNCTIONS)]) {
    if (typeof withTransform[name] !== "function") {
      throw new Error(`mathjs has no function "${name}"`);
    }
  }
  const disabled = {};
  for (const name of DISABLED_FUNCTIONS) {
    disabled[name] = () => {
      throw new Error(`function ${name} is disabled in Sluice expressions`);
    };
  }
  math.import(disabled, { override: true });
  return { parse: parse2, withTransform, plain: math };
}
var locked = createLockedMath();
var expressionMath = {
  /** Parses one expression (throws mathjs' SyntaxError with a 1-based `char`). */
  parse(source) {
    return locked.parse(source);
  },
  /** The function an operator or call resolves to in the expression namespace. */
  fn(name) {
    const value = Object.hasOwn(locked.withTransform, name) ? locked.withTransform[name] : void 0;
    if (typeof value !== "function") throw new Error(`no expression function "${name}"`);
    return value;
  },
  /** The function itself, bypassing the expression transform (`and`, `or`, `nullish` are lazy there). */
  plainFn(name) {
    const value = Object.hasOwn(locked.plain, name) ? locked.plain[name] : void 0;
    if (typeof value !== "function") throw new Error(`no mathjs function "${name}"`);
    return value;
  },
  /**
   * The implementation mathjs dispatches to for exactly these argument types (e.g.
   * `['number', 'number']`), when the expression namespace calls the plain function (no
   * transform). Calling it directly skips the typed-function dispatch, with identical results.
   */
  signature(name, types) {
    const value = Object.hasOwn(locked.withTransform, name) ? locked.withTransform[name] : void 0;
    if (value === void 0 || value !== locked.plain[name]) return void 0;
    const signatures = value.signatures;
    if (signatures === void 0) return void 0;
    const key = types.join(",");
    return Object.hasOwn(signatures, key) ? signatures[key] : void 0;
  }
};

// src/expr/expression-error.ts
var ExpressionError = class extends SluiceError {
  source;
  problems;
  constructor(source, problems) {
    const first = problems[0];
    const summary = problems.map((p) => `${p.column}: ${p.message}`).join("; ");
    super("JOB_EXPR_INVALID", `invalid expression \`${source}\`: ${summary}`, {
      context: first === void 0 ? {} : { line: first.line, column: first.column }
    });
    this.name = "ExpressionError";
    this.source = source;
    this.problems = problems;
  }
};
function positionInSource(source, offset) {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), source.length);
  for (let i = 0; i < end; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
function fieldMissingError(path) {
  return new SluiceError("FIELD_MISSING", `field "${path}" is missing`, {
    context: { field: path }
  });
}

// src/expr/expression-tree.ts
function childNodes(node) {
  switch (node.type) {
    case "OperatorNode":
      return node.args;
    case "FunctionNode":
      return [node.fn, ...node.args];
    case "ParenthesisNode":
      return [node.content];
    case "ConditionalNode":
      return [node.condition, node.trueExpr, node.falseExpr];
    case "RelationalNode":
      return node.params;
    case "AccessorNode":
      return [node.object, node.index];
    case "IndexNode":
      return node.dimensions;
    case "ArrayNode":
      return node.items;
    case "ObjectNode":
      return Object.values(node.properties);
    case "AssignmentNode":
      return node.index === null ? [node.object, node.value] : [node.object, node.index, node.value];
    case "RangeNode":
      return node.step ? [node.start, node.step, node.end] : [node.start, node.end];
    case "FunctionAssignmentNode":
      return [node.expr];
    case "BlockNode":
      return node.blocks.map((b) => b.node);
    default:
      return [];
  }
}

// src/expr/source-locator.ts
var IDENTIFIER_START = /[\p{L}_$]/u;
var IDENTIFIER_PART = /[\p{L}\p{N}_$]/u;
var SourceLocator = class {
  constructor(source) {
    this.source = source;
    let comment = -1;
    for (const token of scan(source)) {
      if (token.text === "#") {
        comment = token.offset;
        break;
      }
      const c = token.text.charAt(0);
      if (c === '"' || c === "'") {
        this.strings.push(token.offset);
      } else if (c === "[" || c === "{") {
        const list = this.brackets.get(c);
        if (list === void 0) this.brackets.set(c, [token.offset]);
        else list.push(token.offset);
      } else if (isDigit(c) || c === ".") {
        this.numbers.push(token.offset);
      } else {
        const list = this.identifiers.get(token.text);
        if (list === void 0) this.identifiers.set(token.text, [token.offset]);
        else list.push(token.offset);
      }
    }
    this.commentOffset = comment;
  }
  source;
  identifiers = /* @__PURE__ */ new Map();
  strings = [];
  numbers = [];
  brackets = /* @__PURE__ */ new Map();
  usedIdentifiers = /* @__PURE__ */ new Map();
  used = /* @__PURE__ */ new Map();
  /** Offset of a `#` comment outside string literals, or -1. */
  commentOffset;
  /** Offset of the next not yet claimed occurrence of identifier `name` (in source order). */
  nextIdentifier(name) {
    const list = this.identifiers.get(name);
    const used = this.usedIdentifiers.get(name) ?? 0;
    this.usedIdentifiers.set(name, used + 1);
    const offset = list?.[used] ?? list?.[0];
    if (offset !== void 0) return offset;
    const found = this.source.indexOf(name);
    return found < 0 ? 0 : found;
  }
  /** Offset of the next not yet claimed string literal (its opening quote). */
  nextString() {
    return this.next(this.strings);
  }
  /** Offset of the next not yet claimed number literal. */
  nextNumber() {
    return this.next(this.numbers);
  }
  /** Offset of the next not yet claimed `[` (array, index) or `{` (object). */
  nextBracket(bracket) {
    return this.next(this.brackets.get(bracket) ?? []);
  }
  next(list) {
    const used = this.used.get(list) ?? 0;
    this.used.set(list, used + 1);
    return list[used] ?? list[0] ?? 0;
  }
};
function* scan(source) {
  let i = 0;
  while (i < source.length) {
    const c = source.charAt(i);
    if (c === '"' || c === "'") {
      const start = i;
      i++;
      while (i < source.length && source.charAt(i) !== c) i += source.charAt(i) === "\\" ? 2 : 1;
      i++;
      yield { offset: start, text: source.slice(start, Math.min(i, source.length)) };
    } else if (c === "#") {
      yield { offset: i, text: "#" };
      return;
    } else if (c === "[" || c === "{") {
      yield { offset: i, text: c };
      i++;
    } else if (isDigit(c) || c === "." && isDigit(source.charAt(i + 1))) {
      const start = i;
      i++;
      while (i < source.length) {
        const d = source.charAt(i);
        const prev = source.charAt(i - 1);
        if (/[0-9A-Za-z_.]/.test(d)) i++;
        else if ((d === "+" || d === "-") && (prev === "e" || prev === "E")) i++;
        else break;
      }
      yield { offset: start, text: source.slice(start, i) };
    } else if (IDENTIFIER_START.test(c)) {
      const start = i;
      i++;
      while (i < source.length && IDENTIFIER_PART.test(source.charAt(i))) i++;
      yield { offset: start, text: source.slice(start, i) };
    } else {
      i++;
    }
  }
}
function isDigit(c) {
  return c >= "0" && c <= "9";
}

// src/expr/expression-checker.ts
var ALLOWED_OPERATORS = /* @__PURE__ */ new Set([
  "add",
  "subtract",
  "multiply",
  "divide",
  "pow",
  "mod",
  "unaryMinus",
  "unaryPlus",
  "equal",
  "unequal",
  "smaller",
  "smallerEq",
  "larger",
  "largerEq",
  "and",
  "or",
  "xor",
  "not",
  "nullish"
]);
var COMPARISONS = /* @__PURE__ */ new Set([
  "equal",
  "unequal",
  "smaller",
  "smallerEq",
  "larger",
  "largerEq"
]);
var DISABLED = new Set(DISABLED_FUNCTIONS);
function forbiddenName(name) {
  if (name.startsWith("__") || name in Object.prototype || name === "prototype") {
    return `"${name}" is not allowed: it reaches JavaScript internals`;
  }
  if (name === "end") return '"end" is reserved in mathjs expressions';
  return void 0;
}
function checkExpressionTree(root, source) {
  return new ExpressionChecker(root, source).run();
}
var ExpressionChecker = class {
  constructor(root, source) {
    this.root = root;
    this.source = source;
  }
  root;
  source;
  offsets = /* @__PURE__ */ new Map();
  problems = [];
  fields = /* @__PURE__ */ new Set();
  called = /* @__PURE__ */ new Map();
  run() {
    const locator = new SourceLocator(this.source);
    if (locator.commentOffset >= 0) {
      this.addAt(locator.commentOffset, "comments (#) are not allowed in expressions");
    }
    this.locate(this.root, locator, false);
    this.check(this.root);
    for (const [name, node] of this.called) {
      if (this.fields.has(name)) {
        this.add(node, `"${name}" is used both as a function and as a field`);
      }
    }
    const seen = /* @__PURE__ */ new Set();
    const problems = [...this.problems].sort((a, b) => a.offset - b.offset).filter((p) => {
      const key = `${p.offset}:${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return { fields: this.fields, problems };
  }
  /** Gives each name-bearing node its offset, in source order (mathjs trees have none). */
  locate(node, locator, dotProperty) {
    if (node.type === "SymbolNode") {
      this.offsets.set(node, locator.nextIdentifier(node.name));
    } else if (node.type === "ConstantNode" && typeof node.value === "string") {
      this.offsets.set(
        node,
        dotProperty ? locator.nextIdentifier(node.value) : locator.nextString()
      );
    } else if (node.type === "ConstantNode" && typeof node.value === "number") {
      this.offsets.set(node, locator.nextNumber());
    } else if (node.type === "ArrayNode" || node.type === "IndexNode" && !node.dotNotation) {
      this.offsets.set(node, locator.nextBracket("["));
    } else if (node.type === "ObjectNode") {
      this.offsets.set(node, locator.nextBracket("{"));
    } else if (node.type === "FunctionAssignmentNode") {
      this.offsets.set(node, locator.nextIdentifier(node.name));
      for (const param of node.params) locator.nextIdentifier(param);
    }
    const dotIndex = node.type === "IndexNode" && node.dotNotation;
    for (const child of childNodes(node)) this.locate(child, locator, dotIndex);
  }
  /** Offset of a node: its own, else the first of its descendants. */
  offsetOf(node) {
    const own = this.offsets.get(node);
    if (own !== void 0) return own;
    let first;
    for (const child of childNodes(node)) {
      const offset = this.offsetOf(child);
      if (first === void 0 || offset < first) first = offset;
    }
    return first ?? 0;
  }
  add(node, message) {
    this.addAt(this.offsetOf(node), message);
  }
  addAt(offset, message) {
    const { line, column } = positionInSource(this.source, offset);
    this.problems.push({ offset, line, column, message });
  }
  check(node) {
    switch (node.type) {
      case "ConstantNode":
        this.checkConstant(node);
        return;
      case "SymbolNode":
        this.checkField(node, node.name);
        return;
      case "ParenthesisNode":
        this.check(node.content);
        return;
      case "ConditionalNode":
        this.check(node.condition);
        this.check(node.trueExpr);
        this.check(node.falseExpr);
        return;
      case "RelationalNode":
        for (const fn of node.conditionals) {
          if (!COMPARISONS.has(fn)) this.add(node, `comparison "${fn}" is not supported`);
        }
        node.params.forEach((p) => this.check(p));
        return;
      case "OperatorNode":
        this.checkOperator(node);
        return;
      case "FunctionNode":
        this.checkCall(node);
        return;
      case "AccessorNode":
        this.checkAccessor(node);
        return;
      case "ArrayNode":
        node.items.forEach((item) => this.check(item));
        return;
      case "AssignmentNode":
        this.add(node, "assignment (=) is not allowed; compare with ==");
        return;
      case "FunctionAssignmentNode":
        this.add(node, `defining functions (${node.name}(...) = ...) is not allowed`);
        return;
      case "BlockNode":
        this.add(node, "only one expression is allowed (no ; between statements)");
        node.blocks.forEach((b) => this.check(b.node));
        return;
      case "ObjectNode":
        this.add(node, "object literals ({...}) are not supported");
        return;
      case "RangeNode":
        this.add(node, "ranges (a:b) are not supported");
        return;
      case "IndexNode":
        this.add(node, "indexing is not supported");
        return;
      default: {
        const type = node.type;
        this.addAt(0, `unsupported syntax (${String(type)})`);
      }
    }
  }
  checkConstant(node) {
    const value = node.value;
    if (value === void 0) {
      this.add(node, '"undefined" is not supported; use null');
    } else if (value !== null && !["number", "string", "boolean"].includes(typeof value)) {
      this.add(node, "unsupported constant");
    }
  }
  checkField(node, name) {
    const forbidden = forbiddenName(name);
    if (forbidden !== void 0) {
      this.add(node, forbidden);
      return;
    }
    if (lookupExpressionConstant(name) === void 0) this.fields.add(name);
  }
  checkOperator(node) {
    if (node.implicit) {
      this.addAt(
        this.offsetOf(node.args[1] ?? node),
        "implicit multiplication is not allowed; write *"
      );
    } else if (node.isPercentage === true) {
      this.add(node, "percent literals (50%) are not supported; divide by 100");
    } else if (!ALLOWED_OPERATORS.has(node.fn)) {
      this.addAt(this.operatorOffset(node), `operator "${node.op}" is not supported`);
    }
    node.args.forEach((arg) => this.check(arg));
  }
  /** Where the operator's own text is: after its left operand, or before a unary operand. */
  operatorOffset(node) {
    const [first] = node.args;
    if (first === void 0 || node.op === "") return this.offsetOf(node);
    const start = this.offsetOf(first);
    const found = node.args.length === 1 ? this.source.lastIndexOf(node.op, start) : this.source.indexOf(node.op, start);
    return found < 0 ? start : found;
  }
  checkCall(node) {
    if (node.fn.type !== "SymbolNode") {
      this.add(node, "only named functions can be called, e.g. abs(x)");
      this.check(node.fn);
      node.args.forEach((arg) => this.check(arg));
      return;
    }
    const name = node.fn.name;
    const spec = lookupExpressionFunction(name);
    if (spec === void 0) {
      const why = DISABLED.has(name) ? `function "${name}" is not allowed: it could change mathjs or run other code` : forbiddenName(name) ?? `unknown function "${name}" (allowed: ${Object.keys(EXPRESSION_FUNCTIONS).join(", ")})`;
      this.add(node.fn, why);
    } else {
      this.called.set(name, node.fn);
      const count = node.args.length;
      if (count < spec.minArgs || count > spec.maxArgs) {
        const expected = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : spec.maxArgs === Infinity ? `at least ${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
        this.add(node.fn, `${name}() takes ${expected} argument(s), got ${count}`);
      }
      if (name === "has") {
        const [arg] = node.args;
        if (arg !== void 0 && arg.type !== "SymbolNode" && arg.type !== "AccessorNode") {
          this.add(arg, "has() takes a field name, e.g. has(price) or has(payment.card)");
        }
      }
    }
    if (node.optional === true) this.add(node.fn, "optional calls (?.()) are not supported");
    node.args.forEach((arg) => this.check(arg));
  }
  checkAccessor(node) {
    if (node.optionalChaining === true) {
      this.add(node, "optional chaining (?.) is not supported; use coalesce(a.b, default)");
    }
    const { object, index } = node;
    if (object.type !== "SymbolNode" && object.type !== "AccessorNode") {
      this.add(object, "only record fields have properties (write field.name)");
    }
    this.check(object);
    const dim = index.type === "IndexNode" && index.dimensions.length === 1 ? index.dimensions[0] : void 0;
    if (dim === void 0) {
      this.add(index, 'only one property at a time: field.name or field["name"]');
    } else if (dim.type !== "ConstantNode" || typeof dim.value !== "string") {
      this.add(
        dim,
        dim.type === "ConstantNode" && typeof dim.value === "number" ? "array indexing is not supported" : 'computed property names are not allowed; write field.name or field["name"]'
      );
      this.check(dim);
    } else {
      const forbidden = forbiddenName(dim.value);
      if (forbidden !== void 0) this.add(dim, forbidden);
    }
  }
};

// src/expr/json-result.ts
function toJsonResult(value, source) {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (Number.isFinite(value)) return value;
      throw evalError(
        source,
        `produced ${String(value)} (division by zero or an invalid operation?)`
      );
    case "object":
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((item) => toJsonResult(item, source));
      if (isMatrix(value)) return toJsonResult(value.toArray(), source);
      if (isPlainObject(value)) {
        const out = {};
        for (const [key, item] of Object.entries(value)) out[key] = toJsonResult(item, source);
        return out;
      }
      throw evalError(source, `produced a ${constructorName(value)}, which has no JSON form`);
    case "undefined":
      throw evalError(source, "produced no value (a missing nested field?)");
    default:
      throw evalError(source, `produced a ${typeof value}, which has no JSON form`);
  }
}
function evalError(source, message) {
  return new SluiceError("EXPR_EVAL", `expression \`${source}\` ${message}`);
}
function isMatrix(value) {
  return value.isMatrix === true && typeof value.toArray === "function";
}
function isPlainObject(value) {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
function constructorName(value) {
  const ctor = value.constructor;
  return typeof ctor?.name === "string" ? ctor.name : "object";
}

// src/expr/native-evaluator.ts
var UntranslatableError = class extends Error {
};
function buildNativeEvaluator(root) {
  return translate(root);
}
function translate(node) {
  switch (node.type) {
    case "ConstantNode": {
      const value = node.value;
      return () => value;
    }
    case "SymbolNode":
      return symbol(node.name, false);
    case "ParenthesisNode":
      return translate(node.content);
    case "AccessorNode":
      return accessor(node, false);
    case "ArrayNode": {
      const items = node.items.map(translate);
      return (f) => items.map((item) => item(f));
    }
    case "ConditionalNode": {
      const condition = translate(node.condition);
      const whenTrue = translate(node.trueExpr);
      const whenFalse = translate(node.falseExpr);
      return (f) => testCondition(condition(f)) ? whenTrue(f) : whenFalse(f);
    }
    case "RelationalNode": {
      const params = node.params.map(translate);
      const compares = node.conditionals.map((fn) => binaryFunction(fn));
      return (f) => {
        let right = params[0](f);
        for (let i = 0; i < compares.length; i++) {
          const left = right;
          right = params[i + 1](f);
          if (!compares[i](left, right)) return false;
        }
        return true;
      };
    }
    case "OperatorNode":
      return operator(node.fn, node.args.map(translate));
    case "FunctionNode":
      return call(node);
    default:
      throw new UntranslatableError(node.type);
  }
}
function symbol(name, lenient) {
  const constant = lookupExpressionConstant(name);
  if (constant !== void 0) return () => constant;
  if (lenient) return (f) => f[name];
  return (f) => {
    const value = f[name];
    if (value === void 0) throw fieldMissingError(name);
    return value;
  };
}
function accessor(node, lenient) {
  const property = propertyName(node);
  const path = fieldPath(node);
  const object = node.object.type === "SymbolNode" ? symbol(node.object.name, lenient) : node.object.type === "AccessorNode" ? accessor(node.object, lenient) : translate(node.object);
  return (f) => {
    const target = object(f);
    if (target === void 0 && lenient) return void 0;
    if (target === null || typeof target !== "object" || Array.isArray(target)) {
      throw new TypeError(`cannot read property "${property}" of ${describe(target)} (${path})`);
    }
    if (Object.hasOwn(target, property)) return target[property];
    if (lenient) return void 0;
    throw fieldMissingError(path);
  };
}
function propertyName(node) {
  const index = node.index;
  if (index.type === "IndexNode" && index.dimensions.length === 1) {
    const dim = index.dimensions[0];
    if (dim.type === "ConstantNode" && typeof dim.value === "string") return dim.value;
  }
  throw new UntranslatableError("computed property");
}
function fieldPath(node) {
  if (node.type === "SymbolNode") return node.name;
  if (node.type === "AccessorNode") return `${fieldPath(node.object)}.${propertyName(node)}`;
  return "(value)";
}
function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
function testCondition(condition) {
  if (typeof condition === "number" || typeof condition === "boolean" || typeof condition === "string") {
    return !!condition;
  }
  if (condition === null || condition === void 0) return false;
  throw new TypeError(
    `Unsupported type of condition "${Array.isArray(condition) ? "Array" : "Object"}"`
  );
}
function binaryFunction(fn) {
  const generic = expressionMath.fn(fn);
  const numbers = expressionMath.signature(fn, ["number", "number"]);
  if (fn === "equal" || fn === "unequal") {
    const equalNumbers = expressionMath.signature("equal", ["number", "number"]);
    if (equalNumbers === void 0) return generic;
    const negate = fn === "unequal";
    return (a, b) => {
      if (typeof a === "number" && typeof b === "number") return negate !== equalNumbers(a, b);
      if (typeof a === "string" && typeof b === "string") return negate !== (a === b);
      if (typeof a === "boolean" && typeof b === "boolean") return negate !== (a === b);
      return generic(a, b);
    };
  }
  if (numbers === void 0) return generic;
  const booleans = expressionMath.signature(fn, ["boolean", "boolean"]);
  if (booleans === void 0) {
    return (a, b) => typeof a === "number" && typeof b === "number" ? numbers(a, b) : generic(a, b);
  }
  return (a, b) => {
    if (typeof a === "number" && typeof b === "number") return numbers(a, b);
    if (typeof a === "boolean" && typeof b === "boolean") return booleans(a, b);
    return generic(a, b);
  };
}
function unaryFunction(fn) {
  const generic = expressionMath.fn(fn);
  const numbers = expressionMath.signature(fn, ["number"]);
  if (fn === "not") return (a) => typeof a === "boolean" ? !a : generic(a);
  if (numbers === void 0) return generic;
  return (a) => typeof a === "number" ? numbers(a) : generic(a);
}
function operator(fn, args) {
  const [left, right] = args;
  if (left === void 0) throw new UntranslatableError(`operator ${fn} without operands`);
  if (args.length === 1) {
    const apply2 = unaryFunction(fn);
    return (f) => apply2(left(f));
  }
  if (args.length !== 2 || right === void 0) throw new UntranslatableError(`operator ${fn}`);
  if (fn === "and") {
    const and = expressionMath.plainFn("and");
    return (f) => {
      const a = left(f);
      if (typeof a === "boolean") {
        if (!a) return false;
        const b = right(f);
        return typeof b === "boolean" ? b : and(a, b);
      }
      if (!Array.isArray(a) && !and(a, true)) return false;
      return and(a, right(f));
    };
  }
  if (fn === "or") {
    const or = expressionMath.plainFn("or");
    return (f) => {
      const a = left(f);
      if (typeof a === "boolean") {
        if (a) return true;
        const b = right(f);
        return typeof b === "boolean" ? b : or(a, b);
      }
      if (!Array.isArray(a) && or(a, false)) return true;
      return or(a, right(f));
    };
  }
  if (fn === "nullish") {
    const nullish = expressionMath.plainFn("nullish");
    return (f) => {
      const a = left(f);
      if (!Array.isArray(a) && a !== null && a !== void 0) return a;
      return nullish(a, right(f));
    };
  }
  const apply = binaryFunction(fn);
  return (f) => apply(left(f), right(f));
}
function call(node) {
  if (node.fn.type !== "SymbolNode") throw new UntranslatableError("call of a computed function");
  const name = node.fn.name;
  const spec = lookupExpressionFunction(name);
  if (spec === void 0) throw new UntranslatableError(`function ${name}`);
  if (spec.source === "special") return special(name, node.args.map(lenientArgument));
  const args = node.args.map(translate);
  const fn = spec.source === "sluice" && spec.implementation !== void 0 ? spec.implementation : expressionMath.fn(name);
  const [a0, a1] = args;
  if (args.length === 1 && a0 !== void 0) {
    const numbers = spec.source === "mathjs" ? expressionMath.signature(name, ["number"]) : void 0;
    if (numbers !== void 0) {
      return (f) => {
        const x = a0(f);
        return typeof x === "number" ? numbers(x) : fn(x);
      };
    }
    return (f) => fn(a0(f));
  }
  if (args.length === 2 && a0 !== void 0 && a1 !== void 0) {
    const numbers = spec.source === "mathjs" ? expressionMath.signature(name, ["number", "number"]) : void 0;
    if (numbers !== void 0) {
      return (f) => {
        const x = a0(f);
        const y = a1(f);
        return typeof x === "number" && typeof y === "number" ? numbers(x, y) : fn(x, y);
      };
    }
    return (f) => fn(a0(f), a1(f));
  }
  return (f) => fn(...args.map((arg) => arg(f)));
}
function lenientArgument(node) {
  if (node.type === "SymbolNode") return symbol(node.name, true);
  if (node.type === "AccessorNode") return accessor(node, true);
  const strict = translate(node);
  return (f) => {
    try {
      return strict(f);
    } catch (err) {
      if (err instanceof SluiceError && err.code === "FIELD_MISSING") return void 0;
      throw err;
    }
  };
}
function special(name, args) {
  const [first] = args;
  switch (name) {
    case "has":
      if (first === void 0) break;
      return (f) => first(f) !== void 0;
    case "isNull":
      if (first === void 0) break;
      return (f) => {
        const value = first(f);
        return value === null || value === void 0;
      };
    case "coalesce":
      return (f) => {
        for (const arg of args) {
          const value = arg(f);
          if (value !== null && value !== void 0) return value;
        }
        return null;
      };
  }
  throw new UntranslatableError(`special form ${name}`);
}

// src/expr/record-scope.ts
var RecordScope = class {
  constructor(fields, names2) {
    this.fields = fields;
    this.names = names2;
  }
  fields;
  names;
  has(name) {
    return this.names.has(name);
  }
  get(name) {
    if (!Object.hasOwn(this.fields, name)) throw fieldMissingError(name);
    return this.fields[name];
  }
  set(name) {
    throw new Error(`cannot assign to "${name}"`);
  }
  keys() {
    return this.names.keys();
  }
};

// src/expr/expression-compiler.ts
function compileExpression(source, options = {}) {
  const text2 = source.replace(/[\r\n\t]/g, " ");
  if (text2.trim() === "") {
    throw new ExpressionError(source, [
      { offset: 0, line: 1, column: 1, message: "expression is empty" }
    ]);
  }
  let root;
  try {
    root = expressionMath.parse(text2);
  } catch (err) {
    throw new ExpressionError(source, [syntaxProblem(source, err)]);
  }
  const checked = checkExpressionTree(root, source);
  if (checked.problems.length > 0) throw new ExpressionError(source, checked.problems);
  const fields = [...checked.fields].sort();
  if (options.engine !== "mathjs") {
    let native;
    try {
      native = buildNativeEvaluator(root);
    } catch (err) {
      if (!(err instanceof UntranslatableError) || options.engine === "native") throw err;
    }
    if (native !== void 0) return new NativeExpression(source, fields, native);
  }
  return new MathjsExpression(source, fields, root.compile(), new Set(checked.fields));
}
function syntaxProblem(source, err) {
  const raw = err instanceof Error ? err.message : String(err);
  const char = err.char;
  const offset = typeof char === "number" ? Math.max(0, char - 1) : 0;
  const message = raw.replace(/\s*\(char \d+\)\s*$/, "");
  const { line, column } = positionInSource(source, offset);
  return { offset, line, column, message: `syntax error: ${message}` };
}
function evaluationError(source, err) {
  if (err instanceof SluiceError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SluiceError("EXPR_EVAL", `expression \`${source}\` failed: ${message}`, {
    cause: err
  });
}
var NativeExpression = class {
  constructor(source, fields, run) {
    this.source = source;
    this.fields = fields;
    this.run = run;
  }
  source;
  fields;
  run;
  engine = "native";
  evaluate(fields) {
    let value;
    try {
      value = this.run(fields);
    } catch (err) {
      throw evaluationError(this.source, err);
    }
    if (typeof value === "boolean" || typeof value === "string" || value === null) return value;
    return toJsonResult(value, this.source);
  }
};
var MathjsExpression = class {
  constructor(source, fields, compiled, names2) {
    this.source = source;
    this.fields = fields;
    this.compiled = compiled;
    this.names = names2;
  }
  source;
  fields;
  compiled;
  names;
  engine = "mathjs";
  evaluate(fields) {
    let value;
    try {
      value = this.compiled.evaluate(new RecordScope(fields, this.names));
    } catch (err) {
      throw evaluationError(this.source, err);
    }
    return toJsonResult(value, this.source);
  }
};

// src/scoring/fraud/fraud-rules.ts
var RULE_NAME = /^[a-z0-9][a-z0-9-]*$/;
var RULE_KEYS = /* @__PURE__ */ new Set(["name", "when", "weight", "reason"]);
var FraudRuleSet = class _FraudRuleSet {
  constructor(compiled, rules2) {
    this.compiled = compiled;
    this.rules = rules2;
    this.version = createHash("sha256").update(JSON.stringify(rules2)).digest("hex").slice(0, 12);
  }
  compiled;
  rules;
  /** Short hash of the rules' text: changes whenever a rule does. */
  version;
  /**
   * Validates `value` (parsed YAML or JSON: a list of rules) and compiles it. `knownNames` are
   * the names a rule may read (contract fields and features): any other name is a problem, so a
   * typo is refused at load instead of failing every payment. Throws a SluiceError
   * (JOB_INVALID, or JOB_EXPR_INVALID when only expressions are wrong) listing every problem.
   */
  static compile(value, knownNames) {
    const problems = [];
    let exprOnly = true;
    const problem = (message, expr = false) => {
      problems.push(message);
      if (!expr) exprOnly = false;
    };
    if (!Array.isArray(value)) {
      throw new SluiceError("JOB_INVALID", "fraud rules must be a list of {name, when, weight, reason}");
    }
    const compiled = [];
    const rules2 = [];
    const seen = /* @__PURE__ */ new Set();
    value.forEach((raw, i) => {
      const at = `rules[${i}]`;
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        problem(`${at}: must be an object {name, when, weight, reason}`);
        return;
      }
      const r = raw;
      for (const key of Object.keys(r)) {
        if (!RULE_KEYS.has(key)) problem(`${at}: unknown key "${key}" (rules have name, when, weight, reason)`);
      }
      const { name, when, weight, reason } = r;
      const label = typeof name === "string" ? `${at} (${name})` : at;
      if (typeof name !== "string" || !RULE_NAME.test(name)) {
        problem(`${at}.name: must be a string of a-z, 0-9 and "-"`);
      } else if (seen.has(name)) {
        problem(`${label}.name: duplicate rule name`);
      } else {
        seen.add(name);
      }
      if (typeof weight !== "number" || !(weight > 0 && weight <= 1)) {
        problem(`${label}.weight: must be a number in (0, 1]`);
      }
      if (typeof reason !== "string" || reason.trim() === "") {
        problem(`${label}.reason: must be a non-empty string`);
      }
      if (typeof when !== "string") {
        problem(`${label}.when: must be an expression (a string)`);
        return;
      }
      let expression;
      try {
        expression = compileExpression(when);
      } catch (err) {
        if (!(err instanceof ExpressionError)) throw err;
        for (const p of err.problems) problem(`${label}.when: column ${p.column}: ${p.message}`, true);
        return;
      }
      const unknown = expression.fields.filter((f) => !knownNames.has(f));
      if (unknown.length > 0) {
        problem(
          `${label}.when: unknown name${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `"${u}"`).join(", ")} (not a transaction field or fraud feature)`,
          true
        );
        return;
      }
      if (typeof name === "string" && typeof weight === "number" && typeof reason === "string") {
        const rule = { name, when, weight, reason };
        rules2.push(rule);
        compiled.push({ rule, expression, logMiss: Math.log1p(-Math.min(weight, 1)) });
      }
    });
    if (problems.length > 0) {
      throw new SluiceError(
        exprOnly ? "JOB_EXPR_INVALID" : "JOB_INVALID",
        `invalid fraud rules: ${problems.join("; ")}`
      );
    }
    return new _FraudRuleSet(compiled, rules2);
  }
  /**
   * Scores one payment: `scope` holds its fields and features. A rule fires when its expression
   * is `true`; a rule that throws or returns a non-boolean does not fire and is listed in `failed`.
   */
  score(scope) {
    let logMiss = 0;
    const reasons = [];
    const fired = [];
    let failed;
    for (const c of this.compiled) {
      let result;
      try {
        result = c.expression.evaluate(scope);
      } catch {
        (failed ??= []).push(c.rule.name);
        continue;
      }
      if (result === true) {
        logMiss += c.logMiss;
        reasons.push(c.rule.reason);
        fired.push(c.rule.name);
      } else if (result !== false) {
        (failed ??= []).push(c.rule.name);
      }
    }
    const score = fired.length === 0 ? 0 : 1 - Math.exp(logMiss);
    return { score, reasons, fired, failed: failed ?? [] };
  }
};

// src/scoring/fraud/fraud-rules-watcher.ts
function parseFraudRulesText(text2, file, knownNames) {
  let doc;
  try {
    doc = parse(text2, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (err) {
    throw new SluiceError("JOB_YAML_SYNTAX", `${file}: ${errorMessage(err).split("\n")[0] ?? ""}`, {
      cause: err,
      context: { file }
    });
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc) || !("rules" in doc)) {
    throw new SluiceError("JOB_INVALID", `${file}: expected a mapping with a "rules" list`, {
      context: { file }
    });
  }
  const extra = Object.keys(doc).filter((k) => k !== "rules");
  if (extra.length > 0) {
    throw new SluiceError("JOB_INVALID", `${file}: unknown key(s) ${extra.join(", ")}`, {
      context: { file }
    });
  }
  try {
    return FraudRuleSet.compile(doc.rules, knownNames);
  } catch (err) {
    if (err instanceof SluiceError) {
      throw new SluiceError(err.code, `${file}: ${err.message}`, { cause: err, context: { file } });
    }
    throw err;
  }
}

// ../../tmp/fraud-cal/harness.mts
import { readFileSync } from "node:fs";
var N = Number(process.env.N ?? 2e5);
var RATE = Number(process.env.RATE ?? 500);
var SEED = Number(process.env.SEED ?? 42);
var DUMP = process.env.DUMP;
var BURN = Number(process.env.BURN ?? 0);
var burned = /* @__PURE__ */ new Set();
var features = {
  windows: [{ name: "1m", sizeMs: 6e4 }, { name: "1h", sizeMs: 36e5 }],
  warmup: Number(process.env.WARMUP ?? 20),
  priorLogStdDev: Number(process.env.PRIOR ?? 0.6),
  priorWeight: Number(process.env.PRIORW ?? 20),
  minTravelKm: 500,
  impossibleSpeedKmh: 900,
  cardTesting: { windowMs: 6e5, smallAmount: 2, largeAmount: Number(process.env.LARGE ?? 100), minSmall: 3 }
};
var names = fraudRuleNames(features);
var rules = parseFraudRulesText(readFileSync(process.env.RULES ?? "/tmp/fraud-cal/rules.yaml", "utf8"), "rules", names);
var proc = new FraudScoreProcessor({
  features,
  profile: { learnFromAlerts: false, maxRecent: 200, maxDevices: 16, maxMerchants: 64, maxCountries: 16, maxCards: 8, learnClampLogStdDevs: Number(process.env.CLAMP ?? 0) },
  rules: { current: () => rules },
  alert: { threshold: Number(process.env.THRESHOLD ?? 0.5), topic: "fraud-alerts", keep: 100 },
  storeName: "a",
  alertStoreName: "b",
  queryable: true
});
var stores = /* @__PURE__ */ new Map([["a", new MemoryKeyValueStore("a")], ["b", new MemoryKeyValueStore("b")]]);
var extractor = new FraudFeatureExtractor(features);
var sent = [];
var lastFeatures = {};
var ctx = {
  taskId: { job: "j", subtopology: 1, partition: 0 },
  node: "fraud",
  forward: () => {
  },
  send: (o) => sent.push(o),
  deadLetter: (_r, e) => {
    throw e;
  },
  getStore: (n) => stores.get(n),
  countLate: () => {
  },
  nowMs: () => 0
};
await proc.init(ctx);
var gen = new DemoDataGenerator({ startMs: 17e11, streams: ["transactions"], eventRatePerSec: RATE, seed: SEED });
var labels = /* @__PURE__ */ new Map();
var dump = [];
var txns = 0;
var t0 = performance.now();
for (const m of gen.take(N + BURN)) {
  if (m.stream === "fraud-labels") {
    const l = JSON.parse(m.value.toString());
    labels.set(l.txn_id, l.pattern);
    continue;
  }
  const value = JSON.parse(m.value.toString());
  txns++;
  if (txns <= BURN) burned.add(value.txn_id);
  const rec = { key: value.account_id, value, timestampMs: value.ts, headers: {}, origin: { topic: "t", partition: 0, offset: "0", timestampMs: 0 }, raw: {} };
  if (DUMP) {
    const state = stores.get("a").get(value.account_id) ?? null;
    if (state) {
      const f = extractor.compute(state, { txnId: value.txn_id, accountId: value.account_id, cardId: value.card_id, amount: value.amount, merchantId: value.merchant_id, deviceId: value.device_id, lat: value.lat, lon: value.lon, country: value.country, timestampMs: value.ts });
      lastFeatures = { ...f, lm: state.logAmount.mean, lsd: Math.sqrt(state.logAmount.m2 / Math.max(1, state.logAmount.n - 1)), am: state.amount.mean, asd: Math.sqrt(state.amount.m2 / Math.max(1, state.amount.n - 1)) };
    } else lastFeatures = { first: true };
  }
  proc.process(rec, ctx);
  if (DUMP) {
    const acc = gen.transactions.accounts[Number(value.account_id.slice(5))];
    dump.push(JSON.stringify({ id: value.txn_id, a: value.amount, mu: acc.amountMu, sg: acc.amountSigma, acct: value.account_id, ...lastFeatures }));
  }
}
var ms = performance.now() - t0;
var alerts = sent.map((s) => JSON.parse(s.value)).filter((a) => !burned.has(a.txn_id));
for (const id of burned) labels.delete(id);
var byPattern = {};
for (const p of labels.values()) (byPattern[p] ??= { n: 0, tp: 0 }).n++;
var fp = 0;
var fpReasons = {};
var tpReasons = {};
var alerted = /* @__PURE__ */ new Set();
for (const a of alerts) {
  alerted.add(a.txn_id);
  const p = labels.get(a.txn_id);
  if (p) {
    byPattern[p].tp++;
    for (const r of a.reasons) (tpReasons[p] ??= {})[r] = ((tpReasons[p] ??= {})[r] ?? 0) + 1;
  } else {
    fp++;
    for (const r of a.reasons) fpReasons[r] = (fpReasons[r] ?? 0) + 1;
  }
}
var tp = alerts.length - fp;
console.log(`txns ${txns} fraud ${labels.size} alerts ${alerts.length} tp ${tp} fp ${fp} precision ${(tp / alerts.length).toFixed(4)} ${(txns / ms).toFixed(0)}k txn/s`);
for (const [p, v] of Object.entries(byPattern)) console.log(`  ${p}: n=${v.n} recall ${(v.tp / v.n).toFixed(4)} missed ${v.n - v.tp}`, JSON.stringify(tpReasons[p] ?? {}));
console.log("fp reasons", JSON.stringify(fpReasons));
if (DUMP) {
  writeFileSync(DUMP, dump.map((d) => {
    const o = JSON.parse(d);
    o.label = labels.get(o.id) ?? "";
    o.alerted = alerted.has(o.id);
    return JSON.stringify(o);
  }).join("\n"));
}
