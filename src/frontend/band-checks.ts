// The checks every frontend type makes of the keys they share (the framing and the mel filterbank's band).
import type { FrontendSettings } from '../config/schema.js';
import type { frontendGeometry } from '../config/derive.js';

/** Adds a problem per shared key the schema cannot judge alone: an empty window or step, a band outside Nyquist. */
export function checkSharedFrontendKeys(
  s: FrontendSettings,
  g: ReturnType<typeof frontendGeometry>,
  add: (key: string, message: string) => void,
): void {
  const nyquist = s.sample_rate_hz / 2;
  if (g.window < 4) add('window_size_ms', `window of ${g.window} samples is too short (need >= 4 samples)`);
  if (g.step < 1) add('window_step_ms', `step of ${g.step} samples at ${s.sample_rate_hz} Hz is empty`);
  if (s.filterbank_upper_band_limit > nyquist)
    add(
      'filterbank_upper_band_limit',
      `${s.filterbank_upper_band_limit} Hz is above the Nyquist frequency (${nyquist} Hz)`,
    );
  if (s.filterbank_lower_band_limit >= s.filterbank_upper_band_limit)
    add(
      'filterbank_lower_band_limit',
      `must be below filterbank_upper_band_limit (${s.filterbank_upper_band_limit} Hz)`,
    );
}
