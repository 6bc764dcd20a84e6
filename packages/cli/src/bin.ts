#!/usr/bin/env node
import { TfoError } from '@tfo/engine';
import { main, reportError } from './main.js';
import { exitWhenFlushed, guardStdio } from './stdio.js';

guardStdio();
let finished = false;
// the event loop emptied while the command was still waiting: a promise nothing will ever settle
process.on('beforeExit', () => {
  if (finished) return;
  finished = true;
  exitWhenFlushed(
    reportError(new TfoError('TFO_ERR_UNSETTLED', 'the command stopped waiting on an operation that can never finish')),
  );
});
main(process.argv).then(
  (code) => {
    finished = true;
    exitWhenFlushed(code);
  },
  (err: unknown) => {
    finished = true;
    exitWhenFlushed(reportError(err));
  },
);
