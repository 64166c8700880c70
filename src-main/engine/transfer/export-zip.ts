/**
 * Browser mode exports a model as one .zip download (model.keras, model.onnx,
 * or model.json with its weights). A user who imports that download back
 * chooses the .zip itself, so File → Import opens it and imports what is
 * inside, the same as choosing the unpacked files. The members are checked
 * as strictly as uploaded files: bare names, at most as many and as large.
 */
import {
  fileNameProblem,
  filesProblem,
  MAX_UPLOAD_BYTES,
  MAX_UPLOAD_FILES,
} from '../../../src-shared/protocol-checks';
import type { FilePayload } from '../../../src-shared/protocol';
import { readZip } from '../import/zip-read';

/**
 * The files to import: the members of `files` when it is a single `.zip`
 * (folders inside it skipped), else `files` unchanged; a string says why the
 * archive cannot be used.
 */
export function unpackExportZip(files: readonly FilePayload[]): readonly FilePayload[] | string {
  if (files.length !== 1 || !/\.zip$/i.test(files[0].name)) return files;
  const archive = files[0].name;
  let members;
  try {
    members = [...readZip(files[0].bytes, MAX_UPLOAD_BYTES).values()].filter((m) => !m.name.endsWith('/'));
  } catch (error) {
    return `${archive} cannot be read: ${(error as Error).message}`;
  }
  if (members.length === 0) return `${archive} is empty: choose the model files themselves`;
  if (members.length > MAX_UPLOAD_FILES) return `${archive} holds more than ${MAX_UPLOAD_FILES} files`;
  const total = members.reduce((sum, m) => sum + m.size, 0);
  if (total > MAX_UPLOAD_BYTES) {
    return `${archive} unpacks to more than ${MAX_UPLOAD_BYTES >> 20} MB, more than an import may hold`;
  }
  const unpacked: FilePayload[] = [];
  for (const member of members) {
    const problem = fileNameProblem(member.name);
    if (problem) {
      return `${archive} holds "${member.name}" inside a folder or under a name files cannot have: unpack it and choose the model files`;
    }
    try {
      unpacked.push({ name: member.name, bytes: member.read() });
    } catch (error) {
      return `${archive} cannot be read: ${(error as Error).message}`;
    }
  }
  const problem = filesProblem(unpacked);
  return problem ? `${archive}: ${problem}` : unpacked;
}
