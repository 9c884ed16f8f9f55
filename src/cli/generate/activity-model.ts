// Shop browsing for `sluice generate` → topic `user-activity`: a catalog of items in categories
// (Zipf popularity, fixed prices, a few "neighbour" items each) and users with 1-2 preferred
// categories browsing in sessions of view / add_to_cart / purchase events.

import type { Prng } from './prng.js';
import { WeightedChoice } from './weighted-choice.js';

/** One `user-activity` event, exactly the contract's shape (key = `user_id`). */
export interface ActivityEvent {
  event_id: string;
  user_id: string;
  session_id: string;
  item_id: string;
  category: string;
  event_type: 'view' | 'add_to_cart' | 'purchase';
  /** The item's fixed price; present on add_to_cart and purchase only. */
  price?: number;
  /** Event time, epoch ms. */
  ts: number;
}

export interface CatalogItem {
  readonly id: string;
  readonly index: number;
  /** Index into {@link ACTIVITY_CATEGORIES}. */
  readonly category: number;
  readonly price: number;
  /** Items a viewer of this one tends to view next, most likely first. */
  readonly neighbours: readonly number[];
}

export interface ShopUser {
  readonly id: string;
  readonly index: number;
  /** 1 or 2 category indexes, the first preferred more. */
  readonly preferredCategories: readonly number[];
}

/** Categories with a typical price (currency units) and a relative share of the catalog. */
export const ACTIVITY_CATEGORIES: ReadonlyArray<{
  name: string;
  basePrice: number;
  share: number;
}> = [
  { name: 'electronics', basePrice: 180, share: 1.6 },
  { name: 'books', basePrice: 14, share: 1.5 },
  { name: 'fashion', basePrice: 45, share: 1.5 },
  { name: 'home', basePrice: 60, share: 1.2 },
  { name: 'garden', basePrice: 40, share: 0.7 },
  { name: 'toys', basePrice: 25, share: 0.9 },
  { name: 'sports', basePrice: 55, share: 0.9 },
  { name: 'beauty', basePrice: 22, share: 0.9 },
  { name: 'grocery', basePrice: 6, share: 1.2 },
  { name: 'automotive', basePrice: 70, share: 0.5 },
  { name: 'music', basePrice: 18, share: 0.6 },
  { name: 'movies', basePrice: 15, share: 0.6 },
  { name: 'health', basePrice: 20, share: 0.7 },
  { name: 'pets', basePrice: 28, share: 0.6 },
  { name: 'office', basePrice: 16, share: 0.5 },
  { name: 'jewelry', basePrice: 120, share: 0.4 },
];

/** Behaviour knobs. The defaults give ~85% of views in a user's preferred categories. */
export interface ActivityBehaviour {
  /** Sessions browsing at once (interleaved in the stream); capped at half the users. */
  readonly concurrentSessions: number;
  /** Mean number of views in a session (geometric, at least 1). */
  readonly meanViewsPerSession: number;
  /** Probability a view is followed by add_to_cart of that item. */
  readonly cartProbability: number;
  /** Probability a carted item is bought at the end of the session. */
  readonly purchaseProbability: number;
  /** Probability the next view is one of the current item's neighbours. */
  readonly neighbourProbability: number;
  /** Probability a non-neighbour view stays within the user's preferred categories. */
  readonly tasteProbability: number;
}

export const DEFAULT_ACTIVITY_BEHAVIOUR: ActivityBehaviour = {
  concurrentSessions: 500,
  meanViewsPerSession: 7,
  cartProbability: 0.08,
  purchaseProbability: 0.5,
  neighbourProbability: 0.65,
  tasteProbability: 0.86,
};

const NEIGHBOURS_PER_ITEM = 8;
/** Chance that a neighbour slot holds an item of another category. */
const CROSS_CATEGORY_NEIGHBOUR = 0.03;
/** Popularity within a category: rank r has weight 1/(r+1)^s. */
const ZIPF_EXPONENT = 1.0;
const MAX_VIEWS_PER_SESSION = 40;

interface Session {
  readonly id: string;
  readonly user: ShopUser;
  viewsLeft: number;
  /** Index of the last viewed item, -1 before the first view. */
  current: number;
  /** Item to add to the cart on the next step, -1 for none. */
  pendingCart: number;
  readonly cart: number[];
  /** Purchases still to emit once the views are done. */
  readonly purchases: number[];
  checkedOut: boolean;
}

export interface ActivityModelOptions {
  readonly users: number;
  readonly items: number;
  /** Makes event and session ids unique per run (see DemoDataGenerator). */
  readonly runTag: string;
  readonly behaviour?: Partial<ActivityBehaviour>;
}

/**
 * The catalog, the users and their interleaved sessions. `nextEvent` yields one event of one of
 * the active sessions; the caller supplies event time, so the model knows nothing of rates.
 */
export class ActivityModel {
  readonly items: readonly CatalogItem[];
  readonly users: readonly ShopUser[];
  readonly behaviour: ActivityBehaviour;
  /** Per category: item indexes, most popular first. */
  readonly itemsByCategory: readonly (readonly number[])[];
  private readonly popularityByCategory: readonly (WeightedChoice | undefined)[];
  private readonly categoryChoice: WeightedChoice;
  private readonly userChoice: WeightedChoice;
  private readonly neighbourRank: WeightedChoice;
  private readonly active: Session[] = [];
  private readonly activeUsers = new Set<number>();
  private readonly prng: Prng;
  private readonly runTag: string;
  private eventSeq = 0;
  private sessionSeq = 0;

  /** `prng` is consumed: the catalog, users and sessions each use a fork of it. */
  constructor(prng: Prng, options: ActivityModelOptions) {
    if (options.users < 1 || options.items < 2) {
      throw new RangeError('activity needs at least 1 user and 2 items');
    }
    this.behaviour = { ...DEFAULT_ACTIVITY_BEHAVIOUR, ...options.behaviour };
    this.runTag = options.runTag;
    const catalogPrng = prng.fork('catalog');
    const usersPrng = prng.fork('users');
    this.prng = prng.fork('sessions');

    const categoryCount = Math.min(ACTIVITY_CATEGORIES.length, options.items);
    const categories = ACTIVITY_CATEGORIES.slice(0, categoryCount);
    this.categoryChoice = new WeightedChoice(categories.map((c) => c.share));

    // Every category gets one item first, so none is empty; the rest follow category shares.
    const itemCategory = Array.from({ length: options.items }, (_, i) =>
      i < categoryCount ? i : this.categoryChoice.sample(catalogPrng),
    );
    const byCategory: number[][] = categories.map(() => []);
    itemCategory.forEach((c, i) => byCategory[c]?.push(i));
    // Popularity rank within a category is a random permutation, not the id order.
    for (const list of byCategory) shuffle(list, catalogPrng);
    this.itemsByCategory = byCategory;
    this.popularityByCategory = byCategory.map((list) =>
      list.length > 0 ? WeightedChoice.zipf(list.length, ZIPF_EXPONENT) : undefined,
    );

    const prices = itemCategory.map((c) => {
      const base = categories[c]?.basePrice ?? 20;
      const raw = base * Math.exp(0.5 * catalogPrng.normal());
      return Math.max(1, Math.round(raw)) - 0.01;
    });
    // Neighbours are drawn with square-root popularity: related items lean popular but spread.
    const neighbourPool = byCategory.map((list) =>
      list.length > 0
        ? new WeightedChoice(list.map((_, rank) => 1 / Math.sqrt(rank + 1)))
        : undefined,
    );
    const pickInCategory = (c: number, pool: readonly (WeightedChoice | undefined)[]): number => {
      const list = byCategory[c] ?? [];
      const choice = pool[c];
      return choice === undefined ? -1 : (list[choice.sample(catalogPrng)] ?? -1);
    };
    this.items = itemCategory.map((category, index) => {
      const sameCategory = (byCategory[category]?.length ?? 1) - 1;
      const wanted = Math.min(NEIGHBOURS_PER_ITEM, Math.max(1, sameCategory));
      const neighbours: number[] = [];
      for (let attempt = 0; neighbours.length < wanted && attempt < wanted * 20; attempt++) {
        const c = catalogPrng.chance(CROSS_CATEGORY_NEIGHBOUR)
          ? this.categoryChoice.sample(catalogPrng)
          : category;
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
        neighbours,
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
    // A few heavy users, many light ones.
    this.userChoice = new WeightedChoice(this.users.map(() => Math.exp(0.8 * usersPrng.normal())));
  }

  /** Category name of a category index. */
  categoryName(category: number): string {
    return ACTIVITY_CATEGORIES[category]?.name ?? 'unknown';
  }

  /** The next event of a randomly chosen active session, stamped with `tsMs`. */
  nextEvent(tsMs: number): ActivityEvent {
    const target = Math.min(
      this.behaviour.concurrentSessions,
      Math.max(1, Math.floor(this.users.length / 2)),
    );
    while (this.active.length < target) this.active.push(this.startSession());
    const slot = Math.floor(this.prng.next() * this.active.length);
    const session = this.active[slot];
    if (session === undefined) throw new Error('no active session');
    const event = this.step(session, tsMs);
    if (session.checkedOut && session.purchases.length === 0) {
      this.activeUsers.delete(session.user.index);
      this.active[slot] = this.startSession();
    }
    return event;
  }

  /** Emits the session's next event; a session always has one until it is finished. */
  private step(session: Session, tsMs: number): ActivityEvent {
    let event: ActivityEvent;
    if (session.pendingCart >= 0) {
      const item = session.pendingCart;
      session.pendingCart = -1;
      session.cart.push(item);
      event = this.event(session, item, 'add_to_cart', tsMs);
    } else if (session.viewsLeft > 0) {
      session.viewsLeft--;
      const item = this.nextView(session);
      session.current = item;
      if (this.prng.chance(this.behaviour.cartProbability) && !session.cart.includes(item)) {
        session.pendingCart = item;
      }
      event = this.event(session, item, 'view', tsMs);
    } else {
      const item = session.purchases.shift();
      if (item === undefined) throw new Error(`session ${session.id} stepped after it finished`);
      event = this.event(session, item, 'purchase', tsMs);
    }
    // Purchases are decided once browsing is over, so they follow the views and carts.
    if (session.viewsLeft === 0 && session.pendingCart < 0 && !session.checkedOut) {
      this.checkOut(session);
    }
    return event;
  }

  private checkOut(session: Session): void {
    session.checkedOut = true;
    for (const item of session.cart) {
      if (this.prng.chance(this.behaviour.purchaseProbability)) session.purchases.push(item);
    }
  }

  private nextView(session: Session): number {
    const current = session.current >= 0 ? this.items[session.current] : undefined;
    if (current !== undefined && this.prng.chance(this.behaviour.neighbourProbability)) {
      const rank = this.neighbourRank.sample(this.prng) % Math.max(1, current.neighbours.length);
      const neighbour = current.neighbours[rank];
      if (neighbour !== undefined) return neighbour;
    }
    const preferred = session.user.preferredCategories;
    let category: number;
    if (!this.prng.chance(this.behaviour.tasteProbability)) {
      category = this.categoryChoice.sample(this.prng);
    } else {
      const second = preferred[1];
      category = second !== undefined && this.prng.chance(0.35) ? second : (preferred[0] ?? 0);
    }
    return this.popularItem(category);
  }

  private popularItem(category: number): number {
    const list = this.itemsByCategory[category] ?? [];
    const choice = this.popularityByCategory[category];
    if (choice === undefined) return 0;
    return list[choice.sample(this.prng)] ?? 0;
  }

  private startSession(): Session {
    let user = this.userChoice.sample(this.prng);
    for (let attempt = 0; this.activeUsers.has(user) && attempt < 10; attempt++) {
      user = this.userChoice.sample(this.prng);
    }
    // A user browses in one session at a time: fall back to the next idle user.
    while (this.activeUsers.has(user)) user = (user + 1) % this.users.length;
    this.activeUsers.add(user);
    const shopUser = this.users[user];
    if (shopUser === undefined) throw new Error(`no user ${user}`);
    const views = Math.min(
      MAX_VIEWS_PER_SESSION,
      1 + this.prng.geometric(1 / this.behaviour.meanViewsPerSession),
    );
    return {
      id: `sess-${this.runTag}-${this.sessionSeq++}`,
      user: shopUser,
      viewsLeft: views,
      current: -1,
      pendingCart: -1,
      cart: [],
      purchases: [],
      checkedOut: false,
    };
  }

  private event(
    session: Session,
    itemIndex: number,
    type: ActivityEvent['event_type'],
    tsMs: number,
  ): ActivityEvent {
    const item = this.items[itemIndex];
    if (item === undefined) throw new Error(`no item ${itemIndex}`);
    const event: ActivityEvent = {
      event_id: `evt-${this.runTag}-${this.eventSeq++}`,
      user_id: session.user.id,
      session_id: session.id,
      item_id: item.id,
      category: this.categoryName(item.category),
      event_type: type,
      ts: tsMs,
    };
    if (type !== 'view') event.price = item.price;
    return event;
  }
}

/** Zero-padded decimal id suffix, e.g. pad(42, 5) = "00042". */
function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function shuffle(list: number[], prng: Prng): void {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(prng.next() * (i + 1));
    const tmp = list[i] ?? 0;
    list[i] = list[j] ?? 0;
    list[j] = tmp;
  }
}
