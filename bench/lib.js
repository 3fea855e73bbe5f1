'use strict';
/** What the benchmark's drivers (run.js, replay.js) share: machine probes, ports, /proc readings, logging. */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');

function hasCommand(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `pin(cpu, args)` prefixes `taskset -c cpu` (a 2-core machine: target on one, load on the other); quick mode pins nothing. */
function pinner(quick) {
  const taskset = !quick && hasCommand('taskset');
  return (cpu, args) => (taskset ? ['taskset', '-c', String(cpu), ...args] : args);
}

const log = (...parts) => process.stderr.write(`${parts.join(' ')}\n`);

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time used so far (utime + stime, fields 14 and 15 of proc(5)) and peak RSS (VmHWM) of a process. */
function procStat(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuMs: (ticks * 1000) / CLOCK_TICKS, peakRssMb: hwm ? Number(hwm[1]) / 1024 : null };
}

module.exports = { hasCommand, pinner, log, freePort, procStat };
