// deploy/oakestra/*.sla.json against what the FLOps manager builds for its image builder (oakestra/addon-FLOps):
// flops_manager/utils/sla/generator.py generate_sla(), fed by
// flops_manager/classes/services/project/builders/{base_builder,fl_actors_builder,trained_model_builder}.py.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Plan, parseManagerArgs } from './builder-args.js';
import { readDeployJson } from './deploy-files.js';

interface Microservice {
  readonly [key: string]: unknown;
  readonly microservice_name: string;
  readonly cmd: string[];
}
interface Application {
  readonly [key: string]: unknown;
  readonly applicationID: string;
  readonly microservices: Microservice[];
}
interface Sla {
  readonly [key: string]: unknown;
  readonly applications: Application[];
}

const SLA_FILES: [Plan, string][] = [
  ['fl_actors', 'oakestra/builder-fl-actors.sla.json'],
  ['trained_model', 'oakestra/builder-trained-model.sla.json'],
];

// generate_sla() writes these keys in this order; rr_ip, port and constraints only when set, and the builder
// sets constraints alone.
const SLA_KEYS = ['sla_version', 'customerID', 'applications'];
const APPLICATION_KEYS = [
  'applicationID',
  'application_name',
  'application_namespace',
  'application_desc',
  'microservices',
];
const MICROSERVICE_KEYS = [
  'microserviceID',
  'microservice_name',
  'microservice_namespace',
  'virtualization',
  'one_shot',
  'privileged',
  'cmd',
  'memory',
  'vcpus',
  'storage',
  'code',
  'constraints',
];
// Oakestra's SLA schema takes names of 1 to 30 letters and digits.
const OAKESTRA_NAME = /^[a-zA-Z0-9]{1,30}$/;

/** get_shortened_unique_id(): the first 6 bytes of the MD5 of the id, in hex. */
function shortenedUniqueId(id: string): string {
  return createHash('md5').update(id).digest().subarray(0, 6).toString('hex');
}

describe.each(SLA_FILES)('the Oakestra SLA of the %s builder', (plan, file) => {
  const sla = readDeployJson<Sla>(file);
  const application = sla.applications[0]!;
  const builder = application.microservices[0]!;

  it('has the keys generate_sla() writes, in its order', () => {
    expect(Object.keys(sla)).toEqual(SLA_KEYS);
    expect(sla.applications).toHaveLength(1);
    expect(Object.keys(application)).toEqual(APPLICATION_KEYS);
    expect(application.microservices).toHaveLength(1);
    expect(Object.keys(builder)).toEqual(MICROSERVICE_KEYS);
  });

  it('is a service appended to the project application, on the infrastructure provider account', () => {
    expect([sla.sla_version, sla.customerID]).toEqual(['v2.0', 'Infrastructure_Provider']);
    expect([application.application_namespace, application.application_desc]).toEqual(['proj', '']);
    expect(application.application_name).toMatch(/^proj[0-9a-f]{12}$/);
    expect([builder.microserviceID, builder.microservice_namespace, builder.virtualization]).toEqual([
      '',
      'builder',
      'container',
    ]);
  });

  it('names the service "builder" and the shortened project id', () => {
    expect(builder.microservice_name).toBe(`builder${shortenedUniqueId(application.applicationID)}`);
    for (const name of [
      application.application_name,
      application.application_namespace,
      builder.microservice_name,
      builder.microservice_namespace,
    ]) {
      expect(name).toMatch(OAKESTRA_NAME);
    }
  });

  it('runs the upstream image once, privileged, on workers with the image-builder addon', () => {
    expect([builder.one_shot, builder.privileged]).toEqual([true, true]);
    expect(builder.code).toBe('ghcr.io/oakestra/addon-flops/image-builder:latest');
    expect(builder.constraints).toEqual([{ type: 'addons', needs: ['image-builder'] }]);
    expect([builder.memory, builder.vcpus, builder.storage]).toEqual([0, 0, 0]);
  });

  it(`gives cmd as "python3 main.py" and the manager form of the ${plan} plan, split into tokens`, () => {
    expect(builder.cmd.slice(0, 2)).toEqual(['python3', 'main.py']);
    expect(builder.cmd.every((token) => token !== '' && !/\s/.test(token))).toBe(true);
    const { args, problems } = parseManagerArgs(builder.cmd.slice(2));
    expect(problems).toEqual([]);
    expect(args?.plan).toBe(plan);
    expect(args?.projectId).toBe(application.applicationID);
    // FLOPS_IMAGE_REGISTRY_URL: plain HTTP on the registry's fixed port.
    expect(args?.registryUrl).toMatch(/^http:\/\/[^/]+:5073$/);
  });

  it('passes --supported_platforms always, right after the observer, as the manager does', () => {
    expect(builder.cmd[6]).toMatch(/^--supported_platforms=/);
    expect(builder.cmd).not.toContain('--deactivate-notifications');
  });
});

describe('the two builder SLAs', () => {
  it('differ in the plan part of cmd alone', () => {
    const [flActors, trainedModel] = SLA_FILES.map(([, file]) => readDeployJson<Sla>(file));
    const withoutPlan = (sla: Sla) => {
      const { cmd, ...rest } = sla.applications[0]!.microservices[0]!;
      return { ...sla, applications: [{ ...sla.applications[0]!, microservices: [rest] }], cmd: cmd.slice(0, 7) };
    };
    expect(withoutPlan(trainedModel!)).toEqual(withoutPlan(flActors!));
  });
});
