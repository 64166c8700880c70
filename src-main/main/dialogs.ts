/**
 * Native dialogs for files, parented to the window. Thin on purpose: the
 * decisions live in file-service.ts, which tests drive with stubs.
 */
import { dialog, type BrowserWindow } from 'electron';
import { basename } from 'node:path';
import type { DiscardChoice } from '../../src-shared/files-protocol';
import type { FileDialogs } from './file-service';

const FILTERS = [
  { name: 'Backflow design', extensions: ['backflow.json', 'json'] },
  { name: 'All files', extensions: ['*'] },
];

const MODEL_FILTERS = [
  { name: 'TensorFlow.js, Keras or ONNX model', extensions: ['json', 'keras', 'h5', 'hdf5', 'onnx'] },
  { name: 'All files', extensions: ['*'] },
];

export function createFileDialogs(window: BrowserWindow): FileDialogs {
  return {
    async chooseOpen() {
      const result = await dialog.showOpenDialog(window, {
        title: 'Open a design',
        properties: ['openFile'],
        filters: FILTERS,
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async chooseSave(defaultName) {
      const result = await dialog.showSaveDialog(window, {
        title: 'Save the design',
        defaultPath: defaultName,
        filters: FILTERS,
        properties: ['showOverwriteConfirmation', 'createDirectory'],
      });
      return result.canceled ? null : (result.filePath ?? null);
    },
    async confirmDiscard(name) {
      const { response } = await dialog.showMessageBox(window, {
        type: 'warning',
        message: `Save the changes to ${name}?`,
        detail: 'Your changes are lost if you do not save them.',
        buttons: ['Save', "Don't Save", 'Cancel'],
        defaultId: 0,
        cancelId: 2,
        noLink: true,
      });
      const choices: DiscardChoice[] = ['save', 'discard', 'cancel'];
      return choices[response] ?? 'cancel';
    },
    async chooseFolder(defaultName) {
      const result = await dialog.showOpenDialog(window, {
        title: `Export ${defaultName} to a folder`,
        buttonLabel: 'Export Here',
        properties: ['openDirectory', 'createDirectory'],
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async chooseModel() {
      const result = await dialog.showOpenDialog(window, {
        title: 'Import a model (its weight files are read from the same folder)',
        properties: ['openFile'],
        filters: MODEL_FILTERS,
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async confirmOverwrite(path) {
      const { response } = await dialog.showMessageBox(window, {
        type: 'question',
        message: `${basename(path)} already exists. Replace it?`,
        buttons: ['Replace', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
      });
      return response === 0;
    },
  };
}
