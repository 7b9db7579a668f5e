import type { OrganizationScale } from './organization';

/** Sizes and durations of a full run and of `--smoke`. */
export interface Scale {
  /** Seeded users that hold sockets (W5 connects all of them). */
  users: number;
  w1Pairs: number;
  w1Rates: number[];
  w1OpenMs: number;
  w1DrainMs: number;
  w1ClosedMs: number;
  /** Sends in flight per socket in the closed loop. */
  w1Window: number;
  /** Edits and reaction changes per second over the W1 pairs (open loop), and for how long. */
  w1ChangesRate: number;
  w1ChangesMs: number;
  w2Members: number;
  /** Connecting the members is given up after this long (the API's presence fan-out). */
  w2ConnectMs: number;
  w2Senders: number;
  w2StartRate: number;
  w2StepMs: number;
  w2MaxSteps: number;
  /** The rate search of one target stops once it has taken this long. */
  w2SearchMs: number;
  w3Messages: number;
  w3DeepOffset: number;
  w3Concurrency: number;
  w3Ms: number;
  w4Concurrency: number;
  w4Ms: number;
  w5Sockets: number;
  w5Rate: number;
  w5Concurrency: number;
  /** Connecting the sockets before the storm is given up after this long. */
  w5ConnectMs: number;
  /** The storm gives up on sockets not back by then. */
  w5TimeoutMs: number;
  /** W7: messages seeded for search, HTTP concurrency, time per query kind, per write run. */
  w7Messages: number;
  w7Concurrency: number;
  w7Ms: number;
  w7WriteMs: number;
  /** Added to budgetMs when W7 runs. */
  w7BudgetMs: number;
  pgMs: number;
  bcryptMs: number;
  warmupMs: number;
  /** The whole run is abandoned after this long. */
  budgetMs: number;
  w6: OrganizationScale;
}

export const FULL: Scale = {
  users: 2000,
  w1Pairs: 100,
  w1Rates: [500, 1000, 2000],
  w1OpenMs: 3000,
  w1DrainMs: 3000,
  w1ClosedMs: 3000,
  w1Window: 1,
  w1ChangesRate: 500,
  w1ChangesMs: 3000,
  w2Members: 1000,
  w2ConnectMs: 30_000,
  w2Senders: 10,
  w2StartRate: 5,
  w2StepMs: 2000,
  w2MaxSteps: 9,
  w2SearchMs: 35_000,
  w3Messages: 1_000_000,
  w3DeepOffset: 500_000,
  w3Concurrency: 16,
  w3Ms: 3000,
  w4Concurrency: 8,
  w4Ms: 4000,
  w5Sockets: 2000,
  w5Rate: 5,
  w5Concurrency: 256,
  w5ConnectMs: 35_000,
  w5TimeoutMs: 35_000,
  w7Messages: 5_000_000,
  w7Concurrency: 8,
  w7Ms: 3000,
  w7WriteMs: 2000,
  w7BudgetMs: 25 * 60_000,
  pgMs: 2500,
  bcryptMs: 3000,
  warmupMs: 500,
  budgetMs: 20 * 60_000,
  w6: {
    smallUsers: 100,
    users: 100_000,
    messages: 5_000_000,
    directChats: 200,
    groups: 20,
    groupSize: 200,
    samples: 200,
    handshakes: 200,
    storm: 5000,
    stormSmall: 500,
    stormContacts: 5,
  },
};

export const SMOKE: Scale = {
  users: 300,
  w1Pairs: 100,
  w1Rates: [500, 1000, 2000],
  w1OpenMs: 1200,
  w1DrainMs: 3000,
  w1ClosedMs: 1200,
  w1Window: 1,
  w1ChangesRate: 500,
  w1ChangesMs: 600,
  w2Members: 200,
  w2ConnectMs: 20_000,
  w2Senders: 10,
  w2StartRate: 20,
  w2StepMs: 1000,
  w2MaxSteps: 5,
  w2SearchMs: 10_000,
  w3Messages: 50_000,
  w3DeepOffset: 25_000,
  w3Concurrency: 16,
  w3Ms: 1000,
  w4Concurrency: 8,
  w4Ms: 1500,
  w5Sockets: 200,
  w5Rate: 5,
  w5Concurrency: 256,
  w5ConnectMs: 20_000,
  w5TimeoutMs: 20_000,
  w7Messages: 20_000,
  w7Concurrency: 8,
  w7Ms: 250,
  w7WriteMs: 200,
  w7BudgetMs: 60_000,
  pgMs: 1000,
  bcryptMs: 1500,
  warmupMs: 300,
  budgetMs: 4 * 60_000,
  w6: {
    smallUsers: 50,
    users: 3000,
    messages: 30_000,
    directChats: 20,
    groups: 5,
    groupSize: 20,
    samples: 10,
    handshakes: 10,
    storm: 200,
    stormSmall: 40,
    stormContacts: 5,
  },
};
