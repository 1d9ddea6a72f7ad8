// The Containerfile of an image as the builder assembles it on its dependency image, for people to read and build.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ImageRole, ROLE_IMAGES } from '../images/role-images.js';
import { TEMPLATES_DIR } from '../paths.js';
import { renderTemplate } from './render.js';

/** The rendered Containerfile of `role` on the dependency image `depsImage`, with extra environment. */
export async function roleContainerfile(
  role: ImageRole,
  depsImage: string,
  env: Readonly<Record<string, string>>,
): Promise<string> {
  const image = ROLE_IMAGES[role];
  const template = await readFile(join(TEMPLATES_DIR, 'role.Containerfile'), 'utf8');
  const copy = (from: string, to: string, owned: boolean): string =>
    `COPY ${owned ? '--chown=10001:10001 ' : ''}${from}/ ${to}/`;
  const allEnv = { ...image.env, ...env };
  return renderTemplate(template, {
    DEPS_IMAGE: depsImage,
    COPY_LINES: [
      ...image.runtime.map((placement) => copy(placement.from, placement.to, placement.owned)),
      copy(image.content.from, image.content.to, image.content.owned),
    ].join('\n'),
    ENV_LINES: Object.entries(allEnv)
      .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
      .join(' \\\n    '),
    WORKING_DIR: image.workingDir,
    USER: image.user,
    ENTRYPOINT: JSON.stringify(image.entrypoint),
  });
}
