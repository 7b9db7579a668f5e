import { apiKilled } from './scenarios/api-killed';
import { groupRemoval } from './scenarios/group-removal';
import { LongOffline, OFFLINE_MS } from './scenarios/long-offline';
import { ordering } from './scenarios/ordering';
import { postgresRestarted } from './scenarios/postgres-restarted';
import { redisRestarted } from './scenarios/redis-restarted';
import { rollingRestart } from './scenarios/rolling-restart';
import { twoInstances } from './scenarios/two-instances';
import { ChatClient } from './support/chat-client';
import { Deployment } from './support/deployment';
import { publish, unmet, type ScenarioReport } from './support/report';
import { Timeline } from './support/timeline';

/** Prints the scenario's figures, writes its section of docs/reliability.md, then judges it. */
function judge(report: ScenarioReport): void {
  publish(report);
  expect(unmet(report)).toEqual([]);
}

/*
 * One timeline, to keep the run short: the long-offline client leaves first and comes back
 * last, so its 3 minutes overlap every other scenario (and span the API kill and the
 * PostgreSQL restart of its deployment).
 */
describe('reliability: one API instance on a PostgreSQL of its own', () => {
  const timeline = new Timeline();
  let deployment: Deployment;
  let offline: LongOffline | undefined;

  beforeAll(async () => {
    deployment = await Deployment.start('reliability_one', { instances: 1, redis: false });
    offline = await LongOffline.begin(deployment, timeline);
  }, 120_000);

  afterAll(async () => {
    offline?.abort();
    ChatClient.closeAll();
    await deployment?.close();
  }, 60_000);

  it('ordering: readers polling after=<last seen id> never miss a message', async () => {
    judge(await ordering(deployment));
  }, 120_000);

  it('API killed at 40 %: nothing acked is lost, duplicated or shown out of order', async () => {
    judge(await apiKilled(deployment, timeline));
  }, 240_000);

  it('PostgreSQL restarted: unavailable, never a false ok; the API serves again', async () => {
    judge(await postgresRestarted(deployment, timeline));
  }, 120_000);

  describe('two API instances sharing a database, Redis and JWT secret', () => {
    const scaleOut = new Timeline();
    let pair: Deployment;

    beforeAll(async () => {
      pair = await Deployment.start('reliability_two', { instances: 2, redis: true });
    }, 120_000);

    afterAll(async () => {
      await pair?.close();
    }, 60_000);

    it('every contract flow crosses instances', async () => {
      judge(await twoInstances(pair));
    }, 120_000);

    it('a group member removed during a burst hears nothing after the cut, then forbidden', async () => {
      judge(await groupRemoval(pair));
    }, 90_000);

    it('Redis restarted: after reconnect and catch-up no client misses a message', async () => {
      judge(await redisRestarted(pair, scaleOut));
    }, 180_000);

    it('rolling restart: SIGTERM to A, then B, under load: nothing lost or doubled, all back', async () => {
      judge(await rollingRestart(pair));
    }, 120_000);
  });

  it(
    'long offline: 3 minutes away across an API restart, caught up, unread counts right',
    async () => {
      if (!offline) throw new Error('the long-offline client did not start');
      judge(await offline.finish());
    },
    OFFLINE_MS + 180_000,
  );
});
