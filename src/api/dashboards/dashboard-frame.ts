// What the dashboard stream sends to a page (JSON in server-sent events): a snapshot when a page
// connects, then updates carrying only the panels that changed. The page script draws them.

/** A table cell as sent to the page. */
export type Cell = string | number | boolean | null;

/** One panel's data in a frame. */
export type PanelFrame =
  /** Time series, replacing what the page has: `timesMs[i]` pairs with each `values[i]`. */
  | {
      readonly kind: 'series';
      readonly timesMs: readonly number[];
      readonly series: ReadonlyArray<{
        readonly name: string;
        readonly values: ReadonlyArray<number | null>;
      }>;
    }
  /** One new point per series, appended to what the page has (a new name is a new series). */
  | {
      readonly kind: 'append';
      readonly timeMs: number;
      readonly values: Readonly<Record<string, number | null>>;
    }
  | {
      readonly kind: 'bars';
      readonly labels: readonly string[];
      readonly values: readonly number[];
    }
  | {
      readonly kind: 'table';
      readonly columns: readonly string[];
      readonly rows: ReadonlyArray<readonly Cell[]>;
    }
  | { readonly kind: 'number'; readonly value: number | null }
  /** Nothing to draw yet, and why (a table not written yet, SQL not configured). */
  | { readonly kind: 'empty'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

export interface DashboardFrame {
  /** `snapshot`: every panel; `update`: the panels that changed since the previous frame. */
  readonly type: 'snapshot' | 'update';
  /** When the frame was made, epoch ms. */
  readonly timeMs: number;
  readonly panels: Readonly<Record<string, PanelFrame>>;
}
