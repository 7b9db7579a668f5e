const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

module.exports = {
  output: {
    path: join(__dirname, '../../dist/apps/api'),
    clean: true,
    ...(process.env.NODE_ENV !== 'production' && {
      devtoolModuleFilenameTemplate: '[absolute-resource-path]',
    }),
  },
  // Keep __dirname the bundle's own folder: the web build is found next to it.
  node: { __dirname: false },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: true,
      sourceMap: true,
      // Swagger metadata from the DTO types and their doc comments.
      transformers: [
        {
          name: '@nestjs/swagger/plugin',
          options: { introspectComments: true, classValidatorShim: true },
        },
      ],
    }),
  ],
};
