// The distribution to add for a module whose name is not its distribution's: used only to say what to add when
// nothing provides an import. What provides a module is never read from here, always from the installed files.

/**
 * Well-known modules whose distribution is named otherwise, each as that project's own installation instructions
 * name it (`pip install scikit-learn`, `pip install opencv-python-headless`…), the headless OpenCV being the one
 * that installs without a display's libraries; checked against the top-level names in each wheel's RECORD.
 */
const DISTRIBUTION_OF: Readonly<Record<string, string>> = {
  sklearn: 'scikit-learn',
  cv2: 'opencv-python-headless',
  PIL: 'pillow',
  yaml: 'pyyaml',
  skimage: 'scikit-image',
  bs4: 'beautifulsoup4',
  dateutil: 'python-dateutil',
  dotenv: 'python-dotenv',
  jwt: 'pyjwt',
  attr: 'attrs',
  Crypto: 'pycryptodome',
  serial: 'pyserial',
};

/** The distribution that usually provides `module`: from the table, else the module's own name. */
export function distributionFor(module: string): string {
  return DISTRIBUTION_OF[module] ?? module.replaceAll('_', '-');
}

/** Whether the distribution's name is known to differ from the module's. */
export function namedOtherwise(module: string): boolean {
  return DISTRIBUTION_OF[module] !== undefined;
}
