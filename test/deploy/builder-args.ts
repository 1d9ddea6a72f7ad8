// The builder's command line in the FLOps manager's form (issue 8), checked for the order and shape of its
// tokens only: the CLI itself is being rewritten, so the deploy files are held to the form, not to its code.
//   <registry_url> <project_id> <mqtt_ip> <observer_ip> [--supported_platforms=…] [--deactivate-notifications]
//     fl_actors <repo_url> <ml_model_flavor> [--use-devel-base-images]
//   | trained_model <customer_id> <tracking_server_uri> <run_id>

export const PLANS = ['fl_actors', 'trained_model'] as const;
export type Plan = (typeof PLANS)[number];

/** Upstream's PlatformSupport and MLModelFlavor values. */
export const PLATFORMS = ['linux/amd64', 'linux/arm64'];
export const ML_MODEL_FLAVORS = ['sklearn', 'pytorch', 'tensorflow', 'keras'];

/** The environment the builder reads (besides what it hands to buildah, such as STORAGE_DRIVER). */
export const BUILDER_ENV = [
  'REGISTRY_USERNAME',
  'REGISTRY_PASSWORD',
  'GIT_TOKEN',
  'FLOPS_EXTRA_CA_CERTS',
  'PIP_INDEX_URL',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'LOG_LEVEL',
];

export interface ManagerArgs {
  readonly registryUrl: string;
  readonly projectId: string;
  readonly platforms: readonly string[];
  readonly plan: Plan;
  readonly planArgs: readonly string[];
}

const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?$/;
const REGISTRY_URL = /^(?:https?:\/\/)?[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?$/;
const PROJECT_ID = /^[A-Za-z0-9._-]{1,128}$/;
const REPO_URL = /^(?:(?:https?|git|ssh):\/\/\S+|git@[^\s:]+:\S+)$/;
const HTTP_URL = /^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?\/?$/;
const RUN_ID = /^[0-9a-f]{32}$/;

/** Parses tokens in the manager's form; returns the parts, or every problem found. */
export function parseManagerArgs(tokens: readonly string[]): { args?: ManagerArgs; problems: string[] } {
  const problems: string[] = [];
  const [registryUrl = '', projectId = '', mqttIp = '', observerIp = ''] = tokens;
  if (!REGISTRY_URL.test(registryUrl)) problems.push(`registry_url "${registryUrl}"`);
  if (!PROJECT_ID.test(projectId) || projectId.includes('..')) problems.push(`project_id "${projectId}"`);
  if (!HOST.test(mqttIp)) problems.push(`mqtt_ip "${mqttIp}"`);
  if (!HOST.test(observerIp)) problems.push(`observer_ip "${observerIp}"`);

  let index = 4;
  let platforms: string[] = ['linux/amd64'];
  const seen = new Set<string>();
  for (; index < tokens.length && tokens[index]!.startsWith('--'); index++) {
    const option = tokens[index]!;
    const name = option.split('=')[0]!;
    if (seen.has(name)) problems.push(`${name} given twice`);
    seen.add(name);
    if (name === '--supported_platforms' && option.includes('=')) {
      platforms = option.slice(name.length + 1).split(',');
      if (platforms.some((platform) => !PLATFORMS.includes(platform)) || new Set(platforms).size !== platforms.length) {
        problems.push(`${option}: platforms are ${PLATFORMS.join(', ')}, each at most once`);
      }
    } else if (option !== '--deactivate-notifications') {
      problems.push(`"${option}" before the plan word`);
    }
  }

  const plan = tokens[index];
  if (!PLANS.includes(plan as Plan)) {
    problems.push(`plan word "${plan ?? ''}": expected ${PLANS.join(' or ')}`);
    return { problems };
  }
  const planArgs = tokens.slice(index + 1);
  problems.push(...(plan === 'fl_actors' ? flActorsProblems(planArgs, platforms) : trainedModelProblems(planArgs)));
  if (problems.length > 0) return { problems };
  return { args: { registryUrl, projectId, platforms, plan: plan as Plan, planArgs }, problems };
}

function flActorsProblems(planArgs: readonly string[], platforms: readonly string[]): string[] {
  const [repoUrl = '', flavor = '', ...rest] = planArgs;
  const problems: string[] = [];
  if (!REPO_URL.test(repoUrl)) problems.push(`repo_url "${repoUrl}"`);
  if (!ML_MODEL_FLAVORS.includes(flavor)) problems.push(`ml_model_flavor "${flavor}"`);
  if (rest.length > 1 || (rest.length === 1 && rest[0] !== '--use-devel-base-images'))
    problems.push(`after fl_actors: ${rest.join(' ')}`);
  // Upstream refuses development base images for anything but linux/amd64 alone.
  if (rest[0] === '--use-devel-base-images' && platforms.join(',') !== 'linux/amd64')
    problems.push('--use-devel-base-images needs linux/amd64 alone');
  return problems;
}

function trainedModelProblems(planArgs: readonly string[]): string[] {
  const [customerId = '', trackingServerUri = '', runId = '', ...rest] = planArgs;
  const problems: string[] = [];
  if (!/^[A-Za-z0-9._-]+$/.test(customerId)) problems.push(`customer_id "${customerId}"`);
  if (!HTTP_URL.test(trackingServerUri)) problems.push(`tracking_server_uri "${trackingServerUri}"`);
  if (!RUN_ID.test(runId)) problems.push(`run_id "${runId}"`);
  if (rest.length > 0) problems.push(`after trained_model: ${rest.join(' ')}`);
  return problems;
}
