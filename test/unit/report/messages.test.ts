import { describe, expect, it } from 'vitest';
import { MANAGER_TOPICS, progressTopic, statusTopic } from '../../../src/report/messages.js';

describe('MQTT topics', () => {
  it('are the ones the manager subscribes to', () => {
    expect(MANAGER_TOPICS).toEqual({
      started: 'flops_manager/fl_actors_image_builder/started',
      success: 'flops_manager/fl_actors_image_builder/success',
      failed: 'flops_manager/fl_actors_image_builder/failed',
    });
    expect(Object.isFrozen(MANAGER_TOPICS)).toBe(true);
  });

  it.each([
    ['p1', 'flops/p1/image_builder', 'flops/p1/image_builder/status'],
    ['Proj.2_x-y', 'flops/Proj.2_x-y/image_builder', 'flops/Proj.2_x-y/image_builder/status'],
  ])('project %j → progress %j, status %j', (projectId, progress, status) => {
    expect([progressTopic(projectId), statusTopic(projectId)]).toEqual([progress, status]);
  });
});
