console.log('trainkit trainer: not built yet');
