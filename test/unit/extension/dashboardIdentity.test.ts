// Which dashboard a run belongs in, and what its tab says: runs of one config share its dashboard,
// a run without a config has its own, a comparison across configs one for exactly those runs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configKey, dashboardKeyOf, dashboardTitle, startTime } from '../../../src/views/dashboardIdentity';

const at = (h: number, m: number): number => new Date(2026, 11, 3, h, m).getTime();
const run = (id: string, name: string, configPath: string | undefined, startedAt = at(14, 7)) => ({ id, name, configPath, startedAt });

describe('dashboard identity', () => {
  test('runs of one config share its dashboard (by resolved path); others get their own', () => {
    assert.equal(dashboardKeyOf([run('a', 'iris', '/w/iris.losslens.json'), run('b', 'iris', '/w/sub/../iris.losslens.json')]), configKey('/w/iris.losslens.json'));
    assert.equal(dashboardKeyOf([run('c', 'keras', undefined)]), 'run:c');
    assert.equal(dashboardKeyOf([run('b', 'iris', '/w/iris.losslens.json'), run('a', 'wine', '/w/wine.losslens.json')]), 'compare:a,b');
    assert.notEqual(dashboardKeyOf([run('a', 'iris', '/w/iris.losslens.json')]), dashboardKeyOf([run('d', 'wine', '/w/wine.losslens.json')]));
  });

  test('the title names the run and its start time, each compared run, or the range test', () => {
    assert.equal(startTime(at(9, 5)), '09:05');
    assert.equal(dashboardTitle([run('a', 'iris', undefined)], false), 'Loss Lens: iris · 14:07');
    assert.equal(dashboardTitle([run('a', 'iris', undefined), run('b', 'iris', undefined, at(15, 2))], true), 'Loss Lens: compare iris · 14:07 vs iris · 15:02');
    assert.equal(dashboardTitle([], false, 'iris'), 'Loss Lens: iris (learning-rate test)');
    assert.equal(dashboardTitle([], false), 'Loss Lens');
  });
});
