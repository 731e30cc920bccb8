// The Crust API for apps: `import { println, Timer, args } from "crust"`.
export { print, println } from "./core/console";
export { args, kernelOption, kernelOptionAll } from "./core/args";
export { monotonicNs, wallNs, formatMs, NS_PER_US, NS_PER_MS, NS_PER_S } from "./core/clock";
export { Timer } from "./core/timer";
export { exit, ref, unref } from "./core/loop";
export { panic } from "./core/panic";
export { randomU32, randomU64, randomBytes, addEntropy, isHardwareSeeded } from "./core/entropy";
export { memoryStats, describeMemory, MemoryStats } from "./core/memory";
export { requestCollection, collections } from "./core/gc";
import * as log from "./core/log";
export { log };
