#!/usr/bin/env python3
"""Regenerates fixtures/augment/: expected outputs of librosa's STFT, ISTFT and time_stretch for a fixed signal.

librosa is not installed on the project machines, so its algorithms are transcribed here in numpy/scipy
(librosa 0.10/0.11: stft center=True pad_mode='constant', phase_vocoder with np.angle and 2π unwrapping,
istft with window-sum-square normalisation and length). The TypeScript port restructures them (streaming,
trig-free phase accumulation), so this checks the restructuring against the textbook form.

    python3 scripts/make-augment-fixtures.py
"""
import os
import numpy as np
import scipy.signal

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'augment')


def signal(n, sr):
    """Tones, a chirp and a decaying burst: deterministic, no RNG (the TS test needs only the .npy)."""
    t = np.arange(n) / sr
    y = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * 1870 * t + 0.3)
    y += 0.2 * np.sin(2 * np.pi * (300 * t + 2000 * t * t))
    y += 0.3 * np.exp(-30 * np.abs(t - 0.2)) * np.sin(2 * np.pi * 3100 * t)
    y[: n // 10] *= np.linspace(0, 1, n // 10)
    return y.astype(np.float32)


def stft(y, n_fft, hop):
    win = scipy.signal.get_window('hann', n_fft, fftbins=True)
    yp = np.pad(y.astype(np.float64), n_fft // 2, mode='constant')
    frames = 1 + (len(yp) - n_fft) // hop
    return np.stack([np.fft.rfft(yp[t * hop : t * hop + n_fft] * win) for t in range(frames)], axis=1)


def istft(D, n_fft, hop, length):
    win = scipy.signal.get_window('hann', n_fft, fftbins=True)
    n_frames = min(D.shape[1], int(np.ceil((length + 2 * (n_fft // 2)) / hop)))
    total = n_fft + hop * (n_frames - 1)
    y = np.zeros(total)
    wss = np.zeros(total)
    for t in range(n_frames):
        y[t * hop : t * hop + n_fft] += np.fft.irfft(D[:, t], n_fft) * win
        wss[t * hop : t * hop + n_fft] += win**2
    start = n_fft // 2
    y = y[start:]
    wss = wss[start:]
    y = np.pad(y, (0, max(0, length - len(y))))[:length]
    wss = np.pad(wss, (0, max(0, length - len(wss))))[:length]
    nz = wss > np.finfo(np.float32).tiny
    y[nz] /= wss[nz]
    return y


def phase_vocoder(D, rate, hop):
    time_steps = np.arange(0, D.shape[1], rate, dtype=np.float64)
    out = np.zeros((D.shape[0], len(time_steps)), dtype=complex)
    phi_advance = np.linspace(0, np.pi * hop, D.shape[0])
    phase_acc = np.angle(D[:, 0])
    D = np.pad(D, [(0, 0), (0, 2)], mode='constant')
    for t, step in enumerate(time_steps):
        cols = D[:, int(step) : int(step + 2)]
        alpha = np.mod(step, 1.0)
        mag = (1.0 - alpha) * np.abs(cols[:, 0]) + alpha * np.abs(cols[:, 1])
        out[:, t] = mag * np.exp(1j * phase_acc)
        dphase = np.angle(cols[:, 1]) - np.angle(cols[:, 0]) - phi_advance
        dphase = dphase - 2.0 * np.pi * np.round(dphase / (2.0 * np.pi))
        phase_acc += phi_advance + dphase
    return out


def time_stretch(y, rate, n_fft=2048, hop=512):
    D = phase_vocoder(stft(y, n_fft, hop), rate, hop)
    return istft(D, n_fft, hop, int(round(len(y) / rate)))


def main():
    os.makedirs(OUT, exist_ok=True)
    y = signal(8000, 16000)
    np.save(os.path.join(OUT, 'signal.npy'), y)
    # STFT at a small size keeps the fixture small; shape (frames, bins, 2) = re, im.
    D = stft(y[:2000], 512, 128)
    np.save(os.path.join(OUT, 'stft_512_128.npy'), np.stack([D.real.T, D.imag.T], axis=-1).astype(np.float32))
    for rate in (0.8, 1.25, 0.93):
        np.save(os.path.join(OUT, f'time_stretch_{rate}.npy'), time_stretch(y, rate).astype(np.float32))


if __name__ == '__main__':
    main()
