#!/usr/bin/env python3
"""Writes the two illustrative level tables of configs/devices/ (DESIGN §2.8).

Neither table is a measurement. Each evaluates a published *form* of state-dependent
device statistics at the 16 levels of a 4-bit weight, so that a study can show what
state dependence does; replace them with your own characterisation (same header).

rram_state_dependent.csv -- the seed's RRAM levels (R_on 2.34e8, R_off 4.18e11 ohm,
  16 log-spaced levels, as configs/seed_rram.toml), with a programming spread of the
  polynomial form sigma_prog(x) = c0 + c1*x + c2*x^2 in units of g_max, x = g/g_max
  (the form of Nandakumar et al. 2019, here with illustrative RRAM coefficients that
  peak at intermediate states). The relative sigma sigma_prog/g is capped at 0.5 in the
  high-resistance levels, where an absolute spread would exceed the level itself. Drift
  and read noise: the seed preset's scalars, with nu_mean rising towards the
  high-resistance state (illustrative).

pcm_like.csv -- 16 linearly spaced levels from 0.1 to 25 uS (g_max = 25 uS) with
  sigma_prog(x) = max(0.2635 + 1.9650*x - 1.1731*x^2, 0) uS (Nandakumar et al. 2019,
  x = g/g_max), drift nu_mean = clip(-0.0155*ln(g/uS) + 0.0244, 0.049, 0.1) and
  nu_std = clip(-0.0125*ln(g/uS) - 0.0059, 0.008, 0.045) (Joshi et al. 2020), and read
  sigma = min(0.0088*(g/uS)^-0.65, 0.2) (the 1/f amplitude Q_s of the same work, without
  its time factor). Use it with --c2c-model gaussian: g*(1 + sigma_rel*xi) is then the
  additive spread g + sigma_prog*xi, clipped at 0.

Run from the repository root: python3 configs/devices/make_tables.py
"""
import math
import os

LEVELS = 16
HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, rows):
    with open(os.path.join(HERE, name), "w") as f:
        f.write("level,g_s,c2c_sigma,nu_mean,nu_std,read_sigma\n")
        for r in rows:
            f.write("%d,%.6e,%.6f,%.6f,%.6f,%.6f\n" % r)


def rram():
    g_min, g_max = 1 / 4.18e11, 1 / 2.34e8
    rows = []
    for k in range(LEVELS):
        g = g_min * (g_max / g_min) ** (k / (LEVELS - 1))
        x = g / g_max
        sigma_abs = 0.004 + 0.10 * x - 0.07 * x * x  # units of g_max
        rel = min(sigma_abs / x, 0.5)
        nu_mean = 0.01 + 0.01 * (1 - k / (LEVELS - 1))
        rows.append((k, g, rel, nu_mean, 0.005, 0.02))
    return rows


def pcm():
    g_max_us = 25.0
    rows = []
    for k in range(LEVELS):
        g_us = 0.1 + (g_max_us - 0.1) * k / (LEVELS - 1)
        x = g_us / g_max_us
        sigma_us = max(0.2635 + 1.9650 * x - 1.1731 * x * x, 0.0)
        nu_mean = min(max(-0.0155 * math.log(g_us) + 0.0244, 0.049), 0.1)
        nu_std = min(max(-0.0125 * math.log(g_us) - 0.0059, 0.008), 0.045)
        read = min(0.0088 * g_us ** -0.65, 0.2)
        rows.append((k, g_us * 1e-6, sigma_us / g_us, nu_mean, nu_std, read))
    return rows


if __name__ == "__main__":
    write("rram_state_dependent.csv", rram())
    write("pcm_like.csv", pcm())
