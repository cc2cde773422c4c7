// Rules across keys (crossChecks), which the schema cannot state key by key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { frontendConfigCheck } from '../../src/frontend/frontend.js';

const base = `dataset:
  directory: data
  classes: [yes, no]
output:
  directory: out
`;

function problems(text: string): string[] {
  try {
    parseConfigText(text, 'kws.yaml', [], [frontendConfigCheck]);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.exitCode, 2);
    return err.problems;
  }
  assert.fail('expected the config to be rejected');
}

test('a noise source without its factor range (or the reverse) is an error, not silently ignored', () => {
  const lines = problems(base + 'generator:\n  noise_colors: all\n  bg_noise_range: [0.1, 0.2]\n');
  assert.ok(lines.some((l) => /^generator\.noise_color_range: required with noise_colors/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^generator\.bg_noise_dir: required with bg_noise_range/.test(l)), lines.join('\n'));
  assert.match(problems(base + 'generator:\n  noise_colors: [pink, red]\n  noise_color_range: [0, 0.1]\n')[0], /^generator\.noise_colors\[1\]: expected one of "white", .*got "red"/);
});

test('raw-audio-only and spectrogram-only keys are refused in the other mode', () => {
  assert.match(problems(base + 'generator:\n  sample_shape: [16000]\n')[0], /^generator\.sample_shape: applies to raw audio only/);
  assert.match(problems(base + 'generator:\n  frontend_enabled: false\n  rescale: 0.5\n')[0], /^generator\.rescale: applies to spectrograms only/);
});

test('raw audio needs a sample_shape that holds the sample length', () => {
  const lines = problems(base + 'generator:\n  frontend_enabled: false\n  sample_shape: [100, 100]\n');
  assert.match(lines[0], /^generator\.sample_shape: expected a shape holding 16000 audio samples, got \[100,100\] \(10000\)/);
});

test('validation subset without a validation split is refused', () => {
  const lines = problems(base.replace('output:\n', 'output:\n  subsets: [training, validation]\n') + 'generator:\n  frontend_enabled: false\n');
  assert.match(lines[0], /^output\.subsets: validation needs generator\.validation_split > 0/);
});

test('class names that leave the dataset directory are refused', () => {
  const lines = problems(base.replace('[yes, no]', '[yes, ../etc]') + 'generator:\n  frontend_enabled: false\n');
  assert.match(lines[0], /^dataset\.classes\[1\]: expected a folder name inside the dataset directory/);
});
