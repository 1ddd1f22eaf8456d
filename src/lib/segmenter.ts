/**
 * THE Chinese segmenter of the process: one @node-rs/jieba instance with its default dictionary,
 * shared by the knowledge base's search words (kb/tokenize.ts) and the reports' topic words
 * (reports/topic-words.ts). The dictionary takes ~170 ms to load and ~50 MB of native memory
 * (measured: RSS 46 → 95 MB for one instance; two instances cost twice), and is read-only after:
 * one per process, loaded on first use.
 *
 * The dictionary file is read here, on first use, rather than imported from '@node-rs/jieba/dict.js':
 * that module reads dict.txt AND idf.txt (11 MB, the idf unused) into Buffers its exports keep for
 * the life of the process; read here, the 5 MB of text is garbage once the segmenter holds its copy.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Jieba } from '@node-rs/jieba';

let segmenter: Jieba | undefined;

export const jieba = (): Jieba => (segmenter ??= Jieba.withDict(fs.readFileSync(createRequire(import.meta.url).resolve('@node-rs/jieba/dict.txt'))));
