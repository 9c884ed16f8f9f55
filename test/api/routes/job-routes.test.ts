// GET /jobs and /jobs/:job through app.inject(): state, partitions, lag, and unknown names.

import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeServer } from '../fake-query-backend.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function app(options: Parameters<typeof fakeServer>[0] = {}): Promise<FastifyInstance> {
  const s = await fakeServer(options);
  apps.push(s.app);
  return s.app;
}

describe('GET /jobs', () => {
  it('lists every job with its state, sources, stores and task partitions', async () => {
    const res = await (await app()).inject({ url: '/jobs' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      {
        job: 'activity-metrics',
        state: 'running',
        sourceTopics: ['user-activity'],
        stores: [{ name: 'category-minute', queryable: true }],
        partitions: [0, 0],
      },
      {
        job: 'activity-enrich',
        state: 'running',
        sourceTopics: ['user-activity'],
        stores: [],
        partitions: [],
      },
    ]);
  });

  it('shows a failed job as failed', async () => {
    const res = await (
      await app({ states: { 'activity-enrich': 'failed' } })
    ).inject({
      url: '/jobs',
    });
    expect(res.json()[1].state).toBe('failed');
  });
});

describe('GET /jobs/:job', () => {
  it('returns the topology, the tasks and the total lag', async () => {
    const res = await (await app()).inject({ url: '/jobs/activity-metrics' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      job: 'activity-metrics',
      state: 'running',
      sourceTopics: ['user-activity'],
      lag: 5,
    });
    expect(body.topology).toContain('sub-topology 0');
    expect(body.tasks).toHaveLength(2);
    expect(body.tasks[0]).toEqual({
      subtopology: 0,
      partition: 0,
      status: 'running',
      watermarkMs: 120_000,
      positions: { 'user-activity': '10' },
      lag: { 'user-activity': 3 },
    });
  });

  it.each(['nope', 'activity', 'ACTIVITY-METRICS', '%00', '..%2Fjobs', 'j%C3%BCb'])(
    'answers 404 for the unknown job %s',
    async (name) => {
      const res = await (await app()).inject({ url: `/jobs/${name}` });
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toBe('not_found');
    },
  );

  it('answers 400 for a name over 200 characters', async () => {
    const res = await (await app()).inject({ url: `/jobs/${'j'.repeat(201)}` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: 'bad_request',
      message: 'params/job must NOT have more than 200 characters',
    });
  });
});
