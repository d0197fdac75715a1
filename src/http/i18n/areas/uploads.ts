/** Messages of one area of the pages (issue 15); merged into the tables in ../messages.ts. */
export const en = {
  // A form's image kept across a refused submit (catalog/pending-uploads.ts).
  'uploads.kept_title': 'Photo kept',
  'uploads.kept_alt': 'The photo you chose: {name}',
  'uploads.kept_note': 'It will be saved with the product: you don’t need to choose it again.',
  'uploads.kept_name': 'File: {name}',
  'uploads.change': 'Change',
  'uploads.change_label': 'Change: drag another image here or choose a file',
  'uploads.remove_label': 'Remove: save without this photo',
  'uploads.pending_gone': 'The photo you chose before is no longer kept. Please choose it again',
  // Touch screens: the drop zone is a button (public/app.css).
  'uploads.choose_photo': 'Choose a photo',
  // iPhone photos: the server (media/sniff.ts) and the browser (public/app.js) both recognise them.
  'uploads.heic':
    'HEIC photos (the iPhone’s format) can’t be read here. Send the photo as JPEG: on the iPhone, choose Settings › Camera › Formats › Most Compatible, or share or export the photo as JPEG, then upload that',
  // A processing failure (asset status 'broken'), on the product page and the edit form.
  'uploads.broken_title': 'This image could not be processed',
  'uploads.broken_damaged': 'The file is damaged or incomplete, so no picture could be made from it.',
  'uploads.broken_missing': 'The uploaded file was lost before it could be processed.',
  'uploads.broken_other': 'Something in the file stopped it from being turned into a picture.',
  'uploads.upload_again': 'Upload the image again',
} as const;

export const es: Record<keyof typeof en, string> = {
  'uploads.kept_title': 'Foto conservada',
  'uploads.kept_alt': 'La foto que elegiste: {name}',
  'uploads.kept_note': 'Se guardará con el producto: no hace falta que la vuelvas a elegir.',
  'uploads.kept_name': 'Archivo: {name}',
  'uploads.change': 'Cambiar',
  'uploads.change_label': 'Cambiar: arrastra otra imagen aquí o elige un archivo',
  'uploads.remove_label': 'Quitar: guardar sin esta foto',
  'uploads.pending_gone': 'La foto que elegiste antes ya no se conserva. Vuelve a elegirla',
  'uploads.choose_photo': 'Elegir una foto',
  'uploads.heic':
    'Las fotos HEIC (el formato del iPhone) no se pueden leer aquí. Envía la foto en JPEG: en el iPhone, elige Ajustes › Cámara › Formatos › Más compatible, o comparte o exporta la foto como JPEG, y sube esa',
  'uploads.broken_title': 'No se pudo procesar esta imagen',
  'uploads.broken_damaged': 'El archivo está dañado o incompleto, así que no se pudo sacar una imagen de él.',
  'uploads.broken_missing': 'El archivo subido se perdió antes de poder procesarlo.',
  'uploads.broken_other': 'Algo en el archivo impidió convertirlo en una imagen.',
  'uploads.upload_again': 'Sube la imagen otra vez',
};
