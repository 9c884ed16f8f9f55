// HTTP client for the recommendation routes of a running Sluice API, as `sluice evaluate` and
// the freshness probe query them: GET /recommendations/:userId and GET /items/:itemId/similar.

export interface RecommendationList {
  /** Item ids, best first. */
  readonly items: string[];
  readonly coldStart: boolean;
}

export interface BatchResult {
  readonly lists: Map<string, RecommendationList>;
  /** Time of each request, ms. */
  readonly latenciesMs: number[];
}

export class RecommendationsClient {
  /** @param baseUrl e.g. `http://127.0.0.1:8080` (no trailing slash). */
  constructor(private readonly baseUrl: string) {}

  /** GET /recommendations/:userId?k= — throws on a non-2xx answer. */
  async recommend(userId: string, k: number): Promise<RecommendationList> {
    const body = await this.get(`/recommendations/${encodeURIComponent(userId)}?k=${k}`);
    const items = Array.isArray(body.items) ? body.items : [];
    return {
      items: items.map((i) => String((i as { itemId?: unknown }).itemId)),
      coldStart: body.coldStart === true,
    };
  }

  /** GET /items/:itemId/similar?k= → neighbour ids, best first ([] for an unknown item). */
  async similar(itemId: string, k: number): Promise<string[]> {
    const body = await this.get(`/items/${encodeURIComponent(itemId)}/similar?k=${k}`);
    const items = Array.isArray(body.items) ? body.items : [];
    return items.map((i) => String((i as { itemId?: unknown }).itemId));
  }

  /** `recommend` for every user, `concurrency` requests at a time. */
  async recommendMany(
    userIds: readonly string[],
    k: number,
    concurrency = 8,
  ): Promise<BatchResult> {
    const lists = new Map<string, RecommendationList>();
    const latenciesMs: number[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < userIds.length) {
        const userId = userIds[next++] as string;
        const startedMs = performance.now();
        lists.set(userId, await this.recommend(userId, k));
        latenciesMs.push(performance.now() - startedMs);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    return { lists, latenciesMs };
  }

  private async get(path: string): Promise<{ items?: unknown[]; coldStart?: unknown }> {
    const response = await fetch(`${this.baseUrl}${path}`);
    if (!response.ok) {
      throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
    }
    return (await response.json()) as { items?: unknown[]; coldStart?: unknown };
  }
}
