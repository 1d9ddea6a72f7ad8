// The --help text: the argument forms, what each argument is, and the options table.

import { FORMS_HELP } from './argument-forms.js';
import { DEFAULT_MQTT_PORT, DEFAULT_OBSERVER_PORT } from './defaults.js';
import { optionsHelp } from './options.js';

const ARGUMENTS = `  registry_url         http://host:port (plain HTTP, as the FLOps manager passes it), https://host[:port] or host[:port] (TLS)
  project_id           the FL project's id: letters, digits, ".", "_" and "-", at most 128 characters
  mqtt_ip              host[:port] of the manager's MQTT broker (default port ${DEFAULT_MQTT_PORT})
  observer_ip          host[:port] that receives readable progress lines (default port ${DEFAULT_OBSERVER_PORT})
  fl_actors            build the learner and aggregator images of an ML repo:
    repo_url           https://, http://, git://, ssh:// or git@host:owner/repo.git; dir:///path (with
                       --allow-file-url); https://…/<name>.tar.gz or s3://<bucket>/<key>.tar.gz (or .tgz)
    ml_model_flavor    sklearn, pytorch, tensorflow or keras (the images get it as ML_MODEL_FLAVOR)
  trained_model        build the serving image of the model an MLflow run logged as logged_model_artifact:
    customer_id        the image goes to <registry>/<customer_id lower-cased>/trained_model:<run_id>
    tracking_server_uri  http(s) URL of the MLflow tracking server
    run_id             the run that holds the model, or models:/<name>/<version> (tagged <name>-v<version>)
  training             build a SageMaker-style trainer image of an ML repo:
    repo_url           as for fl_actors
  mqtt_port            (first form only) the broker's port`;

const ENVIRONMENT = `Environment: REGISTRY_USERNAME, REGISTRY_PASSWORD, GIT_TOKEN, PIP_INDEX_URL, PIP_EXTRA_INDEX_URL,
PIP_TRUSTED_HOST, HTTP_PROXY, HTTPS_PROXY, NO_PROXY, LOG_LEVEL, FLOPS_PIP_VENV (the resolve phase's tools, default
~/.cache/flops-image-builder/pip-venv), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION
(or AWS_DEFAULT_REGION), AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL, MLFLOW_S3_ENDPOINT_URL) for S3, and the variables
named beside the options.`;

/** The whole --help text. */
export function usage(): string {
  return `Usage:
${FORMS_HELP}

Builds FLOps images from an ML git repo (fl_actors) or an MLflow run (trained_model), pushes them to the registry,
and reports every phase over MQTT and to the observer. A leading "python3 main.py" is ignored (the FLOps manager's
command line); options may come before or after the arguments.

Arguments:
${ARGUMENTS}

Options:
${optionsHelp()}

${ENVIRONMENT}`;
}
